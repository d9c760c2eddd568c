// Account security (ASVS level 2 for staff): password strength, two-step verification with an
// authenticator app, recovery codes, and the list of signed-in sessions.
export const en = {
  "auth.error.passwordWeak":
    "This password is too easy to guess. Use three or four unrelated words, or a longer phrase only you would think of.",
  "auth.error.passwordWeak.straightRow":
    "This password is too easy to guess: straight rows of keys on a keyboard are tried first. Use three or four unrelated words.",
  "auth.error.passwordWeak.keyPattern":
    "This password is too easy to guess: keyboard patterns are tried first. Use three or four unrelated words.",
  "auth.error.passwordWeak.simpleRepeat":
    'This password is too easy to guess: repeated characters like "aaa" are tried first. Use three or four unrelated words.',
  "auth.error.passwordWeak.extendedRepeat":
    'This password is too easy to guess: repeated patterns like "abcabc" are tried first. Use three or four unrelated words.',
  "auth.error.passwordWeak.sequences":
    'This password is too easy to guess: sequences like "abc" or "123" are tried first. Use three or four unrelated words.',
  "auth.error.passwordWeak.recentYears":
    "This password is too easy to guess: recent years are tried first. Add unrelated words instead.",
  "auth.error.passwordWeak.dates":
    "This password is too easy to guess: dates are tried first. Add unrelated words instead.",
  "auth.error.passwordWeak.topTen":
    "This is one of the most used passwords in the world. Choose a different one: three or four unrelated words work well.",
  "auth.error.passwordWeak.topHundred":
    "This is a very frequently used password. Choose a different one: three or four unrelated words work well.",
  "auth.error.passwordWeak.common":
    "This is a commonly used password, found in lists that attackers try first. Choose a different one.",
  "auth.error.passwordWeak.similarToCommon":
    "This password is a small change to a commonly used password (such as a capital letter, a digit for a letter or a year added). Attackers try those first. Choose a different one.",
  "auth.error.passwordWeak.wordByItself":
    "A single word is easy to guess, even with digits added. Use three or four unrelated words.",
  "auth.error.passwordWeak.namesByThemselves":
    "Names on their own are easy to guess. Use three or four unrelated words.",
  "auth.error.passwordWeak.commonNames":
    "Common names and surnames are easy to guess. Use three or four unrelated words.",
  "auth.error.passwordWeak.userInputs":
    "This password contains your name, your email address or the portal's name, which are tried first. Choose a different one.",
  "auth.error.passwordWeak.pwned":
    "This password has appeared in a data breach. Choose a different one.",

  "security.title": "Account security",
  "security.link": "Account security: two-step verification and signed-in sessions",
  "security.totp.heading": "Two-step verification",
  "security.totp.on": "Two-step verification is on since {date}.",
  "security.totp.off": "Two-step verification is off.",
  "security.totp.required": "Your role requires two-step verification.",
  "security.totp.offered":
    "Two-step verification protects your account even if someone learns your password: after your password, you also enter a code from an authenticator app on your phone.",
  "security.totp.mustEnrol":
    "Your role requires two-step verification. Set it up now to continue: you cannot use the portal until it is on.",
  "security.totp.start": "Set up two-step verification",
  "security.totp.scan":
    "Scan this QR code with an authenticator app (for example Google Authenticator, Microsoft Authenticator, FreeOTP or 1Password), or type in the key below.",
  "security.totp.qrAlt": "QR code to add this account to an authenticator app",
  "security.totp.secret": "Key to type in",
  "security.totp.confirm": "Turn on two-step verification",
  "security.totp.cancel": "Cancel",
  "security.totp.enrolled":
    "Two-step verification is on. Keep these recovery codes somewhere safe: each one signs you in once if you lose your phone. They are shown only now.",
  "security.totp.disable": "Turn off two-step verification",
  "security.totp.disabled": "Two-step verification is off.",
  "security.totp.cannotDisable":
    "Your role requires two-step verification, so it cannot be turned off. You can set it up again on a new phone by creating new recovery codes and scanning a new code after an administrator resets it.",
  "security.recovery.heading": "Recovery codes",
  "security.recovery.left": "{n} of 10 recovery codes left.",
  "security.recovery.regenerate": "Create new recovery codes",
  "security.recovery.regenerated":
    "Your new recovery codes are below; the old ones no longer work. Keep them somewhere safe. They are shown only now.",
  "security.recovery.list": "Your recovery codes",
  "security.field.code": "Code from your authenticator app",
  "security.field.code.hint":
    "The 6-digit code your app shows now. Lost your phone? Enter one of your recovery codes instead.",
  "security.field.codeNew": "Code from your authenticator app",
  "security.field.codeNew.hint": "The 6-digit code the app shows after you add this account.",
  "security.error.codeRequired": "Enter the code from your authenticator app",
  "security.error.codeWrong":
    "That code is not correct. Enter the code your app shows now; codes change every 30 seconds and each can be used once.",
  "security.error.noPending": "Start the set-up again: scan the new QR code.",

  "security.sessions.heading": "Where you are signed in",
  "security.sessions.hint":
    "Each browser you signed in from. If you do not recognise one, sign it out and change your password.",
  "security.sessions.device": "Browser",
  "security.sessions.created": "Signed in",
  "security.sessions.lastSeen": "Last active",
  "security.sessions.actions": "Action",
  "security.sessions.current": "This browser",
  "security.sessions.unknownDevice": "Unknown browser",
  "security.sessions.end": "Sign out",
  "security.sessions.endLabel": "Sign out the session from {device}, signed in {date}",
  "security.sessions.endOthers": "Sign out everywhere else",
  "security.sessions.endAll": "Sign out everywhere, including here",
  "security.sessions.ended": "That session has been signed out.",
  "security.sessions.endedOthers": "You have been signed out everywhere else.",

  "security.login.title": "Enter your verification code",
  "security.login.body": "Open your authenticator app and enter the code it shows for the portal.",
  "security.login.submit": "Continue",
  "security.login.cancel": "Cancel and sign out",
  "security.login.expired": "Your sign-in took too long. Sign in again.",
  "security.signOut": "Sign out",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "auth.error.passwordWeak":
    "此密码太容易被猜到。请使用三到四个互不相关的词语，或只有您自己会想到的较长短语。",
  "auth.error.passwordWeak.straightRow":
    "此密码太容易被猜到：键盘上连成一排的按键会被优先尝试。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.keyPattern":
    "此密码太容易被猜到：键盘图案会被优先尝试。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.simpleRepeat":
    "此密码太容易被猜到：像“aaa”这样的重复字符会被优先尝试。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.extendedRepeat":
    "此密码太容易被猜到：像“abcabc”这样的重复模式会被优先尝试。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.sequences":
    "此密码太容易被猜到：像“abc”或“123”这样的序列会被优先尝试。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.recentYears":
    "此密码太容易被猜到：近年的年份会被优先尝试。请改为加入互不相关的词语。",
  "auth.error.passwordWeak.dates":
    "此密码太容易被猜到：日期会被优先尝试。请改为加入互不相关的词语。",
  "auth.error.passwordWeak.topTen":
    "这是世界上最常用的密码之一。请换一个：三到四个互不相关的词语效果很好。",
  "auth.error.passwordWeak.topHundred":
    "这是非常常用的密码。请换一个：三到四个互不相关的词语效果很好。",
  "auth.error.passwordWeak.common": "这是常用密码，出现在攻击者优先尝试的列表中。请换一个。",
  "auth.error.passwordWeak.similarToCommon":
    "此密码只是对常用密码稍作改动（例如改大写、用数字替换字母或加上年份），攻击者会优先尝试。请换一个。",
  "auth.error.passwordWeak.wordByItself":
    "单个词语即使加上数字也很容易被猜到。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.namesByThemselves":
    "单独的姓名很容易被猜到。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.commonNames": "常见的姓名很容易被猜到。请使用三到四个互不相关的词语。",
  "auth.error.passwordWeak.userInputs":
    "此密码包含您的姓名、电子邮箱或本门户的名称，这些会被优先尝试。请换一个。",
  "auth.error.passwordWeak.pwned": "此密码曾在数据泄露中出现。请换一个。",

  "security.title": "账户安全",
  "security.link": "账户安全：两步验证和已登录的会话",
  "security.totp.heading": "两步验证",
  "security.totp.on": "两步验证已于 {date} 开启。",
  "security.totp.off": "两步验证未开启。",
  "security.totp.required": "您的角色要求开启两步验证。",
  "security.totp.offered":
    "即使他人得知您的密码，两步验证也能保护您的账户：输入密码后，您还需输入手机上身份验证器应用显示的验证码。",
  "security.totp.mustEnrol":
    "您的角色要求开启两步验证。请立即设置以继续：开启之前您无法使用本门户。",
  "security.totp.start": "设置两步验证",
  "security.totp.scan":
    "请用身份验证器应用（例如 Google Authenticator、Microsoft Authenticator、FreeOTP 或 1Password）扫描此二维码，或手动输入下面的密钥。",
  "security.totp.qrAlt": "将此账户添加到身份验证器应用的二维码",
  "security.totp.secret": "手动输入的密钥",
  "security.totp.confirm": "开启两步验证",
  "security.totp.cancel": "取消",
  "security.totp.enrolled":
    "两步验证已开启。请妥善保管这些恢复码：手机丢失时，每个恢复码可用于登录一次。恢复码只显示这一次。",
  "security.totp.disable": "关闭两步验证",
  "security.totp.disabled": "两步验证已关闭。",
  "security.totp.cannotDisable":
    "您的角色要求开启两步验证，因此无法关闭。更换手机时，请由管理员重置后重新扫描新的二维码。",
  "security.recovery.heading": "恢复码",
  "security.recovery.left": "剩余 {n} 个恢复码（共 10 个）。",
  "security.recovery.regenerate": "生成新的恢复码",
  "security.recovery.regenerated":
    "新的恢复码如下，旧的恢复码已失效。请妥善保管。恢复码只显示这一次。",
  "security.recovery.list": "您的恢复码",
  "security.field.code": "身份验证器应用中的验证码",
  "security.field.code.hint": "应用当前显示的 6 位验证码。手机丢失？请改为输入一个恢复码。",
  "security.field.codeNew": "身份验证器应用中的验证码",
  "security.field.codeNew.hint": "添加此账户后应用显示的 6 位验证码。",
  "security.error.codeRequired": "请输入身份验证器应用中的验证码",
  "security.error.codeWrong":
    "验证码不正确。请输入应用当前显示的验证码；验证码每 30 秒更换一次，且每个只能使用一次。",
  "security.error.noPending": "请重新开始设置：扫描新的二维码。",

  "security.sessions.heading": "您已登录的位置",
  "security.sessions.hint": "您登录过的每个浏览器。如有不认识的，请将其退出登录并修改密码。",
  "security.sessions.device": "浏览器",
  "security.sessions.created": "登录时间",
  "security.sessions.lastSeen": "最近活动",
  "security.sessions.actions": "操作",
  "security.sessions.current": "当前浏览器",
  "security.sessions.unknownDevice": "未知浏览器",
  "security.sessions.end": "退出登录",
  "security.sessions.endLabel": "将 {date} 从 {device} 登录的会话退出",
  "security.sessions.endOthers": "退出其他所有位置的登录",
  "security.sessions.endAll": "退出所有位置的登录（包括此处）",
  "security.sessions.ended": "该会话已退出登录。",
  "security.sessions.endedOthers": "您在其他所有位置的登录已退出。",

  "security.login.title": "请输入验证码",
  "security.login.body": "请打开身份验证器应用，输入其为本门户显示的验证码。",
  "security.login.submit": "继续",
  "security.login.cancel": "取消并退出登录",
  "security.login.expired": "登录用时过长，请重新登录。",
  "security.signOut": "退出登录",
} as const;
