// Accounts: registration, e-mail confirmation, sign-in, password reset, account page, invitations.
export const en = {
  "auth.field.name": "Full name",
  "auth.field.email": "Email address",
  "auth.field.email.hint": "We will send a link to this address to confirm it is yours.",
  "auth.field.password": "Password",
  "auth.field.password.hint":
    "At least 10 characters. Not your email address, and not a common password: three or four unrelated words work well.",
  "auth.field.confirmPassword": "Confirm password",
  "auth.field.currentPassword": "Current password",
  "auth.field.newPassword": "New password",
  "auth.field.confirmNewPassword": "Confirm new password",
  "auth.field.locale": "Preferred language",
  "auth.field.locale.hint": "Used for emails we send you and for the pages after you sign in.",
  "auth.locale.en": "English",
  "auth.locale.zh-Hans": "简体中文 (Simplified Chinese)",

  "auth.error.nameRequired": "Enter your full name",
  "auth.error.nameTooLong": "Full name must be 200 characters or fewer",
  "auth.error.emailRequired": "Enter your email address",
  "auth.error.emailTooLong": "Email address must be 254 characters or fewer",
  "auth.error.emailTaken": "An account with this email address already exists",
  "auth.error.passwordRequired": "Enter a password",
  "auth.error.passwordTooShort": "Password must be at least 10 characters",
  "auth.error.passwordTooLong": "Password must be 200 characters or fewer",
  "auth.error.passwordIsEmail": "Password must not be your email address",
  "auth.error.confirmRequired": "Confirm your password",
  "auth.error.confirmMismatch": "Passwords do not match",
  "auth.error.localeChoose": "Select a language",
  "auth.error.loginPasswordRequired": "Enter your password",
  "auth.error.loginFailed": "Enter a correct email address and password",
  "auth.error.currentPasswordRequired": "Enter your current password",
  "auth.error.currentPasswordWrong": "Your current password is not correct",
  "auth.error.throttled": "Too many attempts. Wait 15 minutes and try again.",
  "auth.error.throttledHour": "Too many attempts. Wait an hour and try again.",

  "auth.link.signIn": "Sign in",
  "auth.link.register": "Create an account",
  "auth.link.resetPassword": "Reset your password",
  "auth.link.resend": "Send a new link",
  "auth.link.unknown":
    "This link is not valid. Check that you copied the whole link from the email.",
  "auth.link.invalidTitle": "This link cannot be used",

  "auth.register.title": "Create an account",
  "auth.register.intro":
    "Create an account to submit investment proposals on behalf of your company. CDA staff do not register here: an administrator invites them.",
  "auth.register.submit": "Create account",
  "auth.register.haveAccount": "Already have an account?",
  "auth.register.emailTakenHelp": "If this is your email address, sign in or reset your password.",
  "auth.register.sent.title": "Check your email",
  "auth.register.sent.body":
    "We have sent a link to {email}. Open it within 48 hours to confirm your email address, then sign in.",
  "auth.register.sent.notReceived":
    "Not received the email? Check your spam or junk folder, or ask for a new link.",

  "auth.verify.title": "Confirm your email address",
  "auth.verify.body": "Confirm that {email} is your email address to finish creating your account.",
  "auth.verify.submit": "Confirm email address",
  "auth.verify.expired":
    "This link has expired. Links to confirm an email address work for 48 hours.",
  "auth.verify.used":
    "This link has already been used. If you have already confirmed your email address, you can sign in.",

  "auth.resend.title": "Get a new confirmation link",
  "auth.resend.intro":
    "Enter the email address you registered with. If it still needs confirming, we will send a new link.",
  "auth.resend.submit": "Send a new link",
  "auth.resend.sent.title": "Check your email",
  "auth.resend.sent.body":
    "If an account with that email address needs confirming, we have sent a new link to it. The link works for 48 hours.",

  "auth.login.title": "Sign in",
  "auth.login.submit": "Sign in",
  "auth.login.forgot": "Forgotten your password?",
  "auth.login.noAccount": "No account yet?",
  "auth.login.verified": "Your email address is confirmed. You can now sign in.",
  "auth.login.passwordReset": "Your password has been changed. Sign in with your new password.",
  "auth.login.unverified.title": "Confirm your email address first",
  "auth.login.unverified.body":
    "You need to confirm your email address before you can sign in. Open the link we sent to {email}, or ask for a new one.",

  "auth.forgot.title": "Reset your password",
  "auth.forgot.intro":
    "Enter the email address of your account. We will send you a link to choose a new password. The link works for 1 hour.",
  "auth.forgot.submit": "Send reset link",
  "auth.forgot.sent.title": "Check your email",
  "auth.forgot.sent.body":
    "If there is an account with that email address, we have sent it a link to reset the password. The link works for 1 hour.",

  "auth.reset.title": "Choose a new password",
  "auth.reset.intro":
    "Choose a new password for {email}. Changing it signs you out on every device; you then sign in with the new password.",
  "auth.reset.submit": "Change password",
  "auth.reset.expired": "This link has expired. Links to reset a password work for 1 hour.",
  "auth.reset.used": "This link has already been used. Ask for a new one if you still need it.",
  "auth.reset.askNew": "Ask for a new reset link",

  "auth.account.title": "Your account",
  "auth.account.details": "Your details",
  "auth.account.email": "Email address",
  "auth.account.role": "Account type",
  "auth.account.saveDetails": "Save details",
  "auth.account.saved": "Your details have been saved.",
  "auth.account.passwordHeading": "Change your password",
  "auth.account.passwordHint": "Changing your password signs you out on every other device.",
  "auth.account.passwordSubmit": "Change password",
  "auth.account.passwordChanged":
    "Your password has been changed. You have been signed out on every other device.",
  "auth.role.applicant": "Applicant",
  "auth.role.reviewer": "Reviewer",
  "auth.role.official": "Official",
  "auth.role.admin": "Administrator",

  "auth.invite.title": "Set up your staff account",
  "auth.invite.intro":
    "You have been invited to the CDA Investment Proposal Portal as {role}, with the email address {email}. Check your name and choose a password.",
  "auth.invite.submit": "Create account",
  "auth.invite.expired":
    "This invitation has expired. Invitations work for 7 days. Ask a CDA administrator to invite you again.",
  "auth.invite.used":
    "This invitation has already been used. Sign in with your email address and password.",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "auth.field.name": "姓名",
  "auth.field.email": "电子邮箱",
  "auth.field.email.hint": "我们会向此邮箱发送链接，以确认邮箱属于您。",
  "auth.field.password": "密码",
  "auth.field.password.hint":
    "至少 10 个字符，不能使用您的电子邮箱地址或常用密码：三到四个互不相关的词语效果很好。",
  "auth.field.confirmPassword": "确认密码",
  "auth.field.currentPassword": "当前密码",
  "auth.field.newPassword": "新密码",
  "auth.field.confirmNewPassword": "确认新密码",
  "auth.field.locale": "首选语言",
  "auth.field.locale.hint": "用于我们发送给您的邮件以及登录后的页面。",
  "auth.locale.en": "English（英语）",
  "auth.locale.zh-Hans": "简体中文",

  "auth.error.nameRequired": "请输入您的姓名",
  "auth.error.nameTooLong": "姓名不能超过 200 个字符",
  "auth.error.emailRequired": "请输入您的电子邮箱",
  "auth.error.emailTooLong": "电子邮箱不能超过 254 个字符",
  "auth.error.emailTaken": "该电子邮箱已注册账户",
  "auth.error.passwordRequired": "请输入密码",
  "auth.error.passwordTooShort": "密码至少需要 10 个字符",
  "auth.error.passwordTooLong": "密码不能超过 200 个字符",
  "auth.error.passwordIsEmail": "密码不能与电子邮箱地址相同",
  "auth.error.confirmRequired": "请再次输入密码以确认",
  "auth.error.confirmMismatch": "两次输入的密码不一致",
  "auth.error.localeChoose": "请选择一种语言",
  "auth.error.loginPasswordRequired": "请输入您的密码",
  "auth.error.loginFailed": "请输入正确的电子邮箱和密码",
  "auth.error.currentPasswordRequired": "请输入当前密码",
  "auth.error.currentPasswordWrong": "当前密码不正确",
  "auth.error.throttled": "尝试次数过多。请等待 15 分钟后再试。",
  "auth.error.throttledHour": "尝试次数过多。请等待一小时后再试。",

  "auth.link.signIn": "登录",
  "auth.link.register": "创建账户",
  "auth.link.resetPassword": "重置密码",
  "auth.link.resend": "发送新链接",
  "auth.link.unknown": "此链接无效。请检查是否复制了邮件中的完整链接。",
  "auth.link.invalidTitle": "此链接无法使用",

  "auth.register.title": "创建账户",
  "auth.register.intro":
    "创建账户后，即可代表贵公司提交投资提案。首都发展局工作人员无需在此注册，由管理员邀请加入。",
  "auth.register.submit": "创建账户",
  "auth.register.haveAccount": "已有账户？",
  "auth.register.emailTakenHelp": "如果这是您的邮箱，请登录或重置密码。",
  "auth.register.sent.title": "请查收邮件",
  "auth.register.sent.body":
    "我们已向 {email} 发送了一个链接。请在 48 小时内打开链接确认您的电子邮箱，然后登录。",
  "auth.register.sent.notReceived": "没有收到邮件？请检查垃圾邮件文件夹，或申请新的链接。",

  "auth.verify.title": "确认您的电子邮箱",
  "auth.verify.body": "请确认 {email} 是您的电子邮箱，以完成账户创建。",
  "auth.verify.submit": "确认电子邮箱",
  "auth.verify.expired": "此链接已过期。确认邮箱的链接有效期为 48 小时。",
  "auth.verify.used": "此链接已被使用。如果您已确认电子邮箱，可以直接登录。",

  "auth.resend.title": "获取新的确认链接",
  "auth.resend.intro": "请输入您注册时使用的电子邮箱。如果该邮箱尚待确认，我们会发送新的链接。",
  "auth.resend.submit": "发送新链接",
  "auth.resend.sent.title": "请查收邮件",
  "auth.resend.sent.body":
    "如果该电子邮箱对应的账户尚待确认，我们已向其发送新的链接。链接有效期为 48 小时。",

  "auth.login.title": "登录",
  "auth.login.submit": "登录",
  "auth.login.forgot": "忘记密码？",
  "auth.login.noAccount": "还没有账户？",
  "auth.login.verified": "您的电子邮箱已确认，现在可以登录。",
  "auth.login.passwordReset": "您的密码已修改。请使用新密码登录。",
  "auth.login.unverified.title": "请先确认您的电子邮箱",
  "auth.login.unverified.body":
    "您需要先确认电子邮箱才能登录。请打开我们发送到 {email} 的链接，或申请新的链接。",

  "auth.forgot.title": "重置密码",
  "auth.forgot.intro":
    "请输入您账户的电子邮箱。我们会发送一个链接，供您设置新密码。链接有效期为 1 小时。",
  "auth.forgot.submit": "发送重置链接",
  "auth.forgot.sent.title": "请查收邮件",
  "auth.forgot.sent.body":
    "如果该电子邮箱对应一个账户，我们已向其发送重置密码的链接。链接有效期为 1 小时。",

  "auth.reset.title": "设置新密码",
  "auth.reset.intro":
    "请为 {email} 设置新密码。修改密码后，所有设备上的登录都会退出，之后请使用新密码登录。",
  "auth.reset.submit": "修改密码",
  "auth.reset.expired": "此链接已过期。重置密码的链接有效期为 1 小时。",
  "auth.reset.used": "此链接已被使用。如仍需重置，请申请新的链接。",
  "auth.reset.askNew": "申请新的重置链接",

  "auth.account.title": "您的账户",
  "auth.account.details": "您的信息",
  "auth.account.email": "电子邮箱",
  "auth.account.role": "账户类型",
  "auth.account.saveDetails": "保存信息",
  "auth.account.saved": "您的信息已保存。",
  "auth.account.passwordHeading": "修改密码",
  "auth.account.passwordHint": "修改密码后，您在其他所有设备上的登录都会退出。",
  "auth.account.passwordSubmit": "修改密码",
  "auth.account.passwordChanged": "您的密码已修改。您在其他所有设备上的登录已退出。",
  "auth.role.applicant": "申请人",
  "auth.role.reviewer": "评审人",
  "auth.role.official": "官员",
  "auth.role.admin": "管理员",

  "auth.invite.title": "设置您的工作人员账户",
  "auth.invite.intro":
    "您已受邀以{role}身份使用首都发展局投资提案门户，电子邮箱为 {email}。请核对您的姓名并设置密码。",
  "auth.invite.submit": "创建账户",
  "auth.invite.expired": "此邀请已过期。邀请有效期为 7 天。请联系首都发展局管理员重新邀请。",
  "auth.invite.used": "此邀请已被使用。请使用您的电子邮箱和密码登录。",
};
