// The idle-timeout warning shown to every signed-in user (applicants included), in both languages.
export const en = {
  "session.warning.title": "You will be signed out soon",
  "session.warning.body": "For your security, we will sign you out in {minutes} if you do nothing.",
  "session.warning.minutes": "{n} minutes",
  "session.warning.oneMinute": "1 minute",
  "session.warning.lessThanMinute": "less than a minute",
  "session.warning.draft":
    "Before that happens we will save what you have typed on this page as a draft.",
  "session.warning.stay": "Stay signed in",
  "session.warning.signOut": "Sign out",
  "session.warning.failed": "We could not keep you signed in. Save your work and sign in again.",
  "session.saving": "Saving your draft before your session ends…",
  "session.ended.title": "You have been signed out",
  "session.ended.body": "You were signed out because you did nothing for {minutes} minutes.",
  "session.ended.signIn": "Sign in again",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "session.warning.title": "您即将被退出登录",
  "session.warning.body": "为保障您的安全，如果您不进行任何操作，我们将在{minutes}后将您退出登录。",
  "session.warning.minutes": "{n} 分钟",
  "session.warning.oneMinute": "1 分钟",
  "session.warning.lessThanMinute": "不到一分钟",
  "session.warning.draft": "在此之前，我们会为您保存草稿，保留您在本页填写的内容。",
  "session.warning.stay": "保持登录",
  "session.warning.signOut": "退出登录",
  "session.warning.failed": "无法保持您的登录状态。请保存您的工作并重新登录。",
  "session.saving": "正在会话结束前保存您的草稿…",
  "session.ended.title": "您已被退出登录",
  "session.ended.body": "由于您 {minutes} 分钟内没有任何操作，您已被退出登录。",
  "session.ended.signIn": "重新登录",
};
