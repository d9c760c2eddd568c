// Every e-mail the portal sends, in English and Simplified Chinese, as plain text with {name}
// placeholders. To add one (submission confirmation, assignment, clarification, decision…):
// add an entry to MAIL_TEMPLATES below, listing the placeholders it uses in `vars`, then call
// `sendMail(db, { to, template: "<your_key>", locale, vars: { … } })` from app/services/mail.server.ts.
// The typecheck then insists that every listed variable is passed.
import type { Locale } from "~/i18n/locales";

/**
 * What replaces the secret of a one-time link in the stored copy of a message (mail.server.ts);
 * here, client-safe, because the outbox page shows such links as text.
 */
export const REDACTED = "REDACTED";

export interface MailText {
  subject: string;
  text: string;
}

export interface MailTemplate<V extends string = string> {
  /** Placeholders the template uses; sendMail requires a value for each. */
  vars: readonly V[];
  en: MailText;
  "zh-Hans": MailText;
}

function template<const V extends string>(t: MailTemplate<V>): MailTemplate<V> {
  return t;
}

const SIGNATURE = {
  en: "Capital Development Authority, Islamabad\nCDA Investment Proposal Portal",
  "zh-Hans": "伊斯兰堡首都发展局（CDA）\n首都发展局投资提案门户",
} as const;

export const MAIL_TEMPLATES = {
  verify_email: template({
    vars: ["name", "link"],
    en: {
      subject: "Confirm your email address",
      text: `Dear {name},

You created an account on the CDA Investment Proposal Portal. To confirm your email address, open this link within 48 hours:

{link}

If you did not create this account, you can ignore this email: nothing more will happen.`,
    },
    "zh-Hans": {
      subject: "请确认您的电子邮箱",
      text: `{name}，您好：

您在首都发展局投资提案门户创建了账户。请在 48 小时内打开以下链接确认您的电子邮箱：

{link}

如果您没有创建此账户，请忽略本邮件，不会有任何后续操作。`,
    },
  }),

  reset_password: template({
    vars: ["name", "link"],
    en: {
      subject: "Reset your password",
      text: `Dear {name},

Someone asked to reset the password of your account on the CDA Investment Proposal Portal. To choose a new password, open this link within 1 hour:

{link}

If you did not ask for this, you can ignore this email: your password has not changed.`,
    },
    "zh-Hans": {
      subject: "重置您的密码",
      text: `{name}，您好：

有人申请重置您在首都发展局投资提案门户的账户密码。请在 1 小时内打开以下链接设置新密码：

{link}

如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。`,
    },
  }),

  staff_invite: template({
    vars: ["name", "role", "link", "invitedBy"],
    en: {
      subject: "You are invited to the CDA Investment Proposal Portal",
      text: `Dear {name},

{invitedBy} has invited you to the CDA Investment Proposal Portal as {role}. To set up your account, open this link within 7 days and choose a password:

{link}

If you were not expecting this invitation, contact the CDA before using the link.`,
    },
    "zh-Hans": {
      subject: "邀请您使用首都发展局投资提案门户",
      text: `{name}，您好：

{invitedBy} 邀请您以 {role} 身份使用首都发展局投资提案门户。请在 7 天内打开以下链接并设置密码，完成账户设置：

{link}

如果您没有预期收到此邀请，请在使用链接前联系首都发展局。`,
    },
  }),

  password_changed: template({
    vars: ["name", "time", "link"],
    en: {
      subject: "Your password has been changed",
      text: `Dear {name},

The password of your account on the CDA Investment Proposal Portal was changed on {time} (Pakistan time). You have been signed out on your other devices.

If you did not change it, reset your password at once and tell the CDA:

{link}`,
    },
    "zh-Hans": {
      subject: "您的密码已更改",
      text: `{name}，您好：

您在首都发展局投资提案门户的账户密码已于 {time}（巴基斯坦时间）更改，其他设备上的登录已退出。

如果这不是您本人的操作，请立即重置密码并告知首都发展局：

{link}`,
    },
  }),

  sign_in_attack: template({
    vars: ["name", "attempts", "link"],
    en: {
      subject: "Failed attempts to sign in to your account",
      text: `Dear {name},

In the last 15 minutes there were {attempts} failed attempts to sign in to your account on the CDA Investment Proposal Portal with a wrong password.

Your account is not locked: you can still sign in with your own password, although signing in may take a few seconds longer while the attempts go on.

If these attempts were not yours and you fear someone knows or is guessing your password, choose a new one here:

{link}`,
    },
    "zh-Hans": {
      subject: "有人尝试登录您的账户未成功",
      text: `{name}，您好：

在过去 15 分钟内，有人使用错误的密码尝试登录您在首都发展局投资提案门户的账户，共 {attempts} 次。

您的账户没有被锁定：您仍可使用自己的密码登录，只是在这些尝试持续期间，登录可能需要多等几秒钟。

如果这些尝试不是您本人所为，并且您担心密码已被他人知道或猜测，请在此设置新密码：

{link}`,
    },
  }),

  reviewer_assigned: template({
    vars: ["name", "reference", "company", "call", "due", "link"],
    en: {
      subject: "Proposal {reference} assigned to you for review",
      text: `Dear {name},

Proposal {reference} ({company}) in the call "{call}" has been assigned to you for review. Please submit your review by {due} (Pakistan time).

Before the proposal opens you will be asked to confirm that you have no conflict of interest with the company or its parent group, or to declare one:

{link}`,
    },
    "zh-Hans": {
      subject: "提案 {reference} 已分配给您评审",
      text: `{name}，您好：

征集“{call}”中的提案 {reference}（{company}）已分配给您评审。请在 {due}（巴基斯坦时间）之前提交评审意见。

打开提案前，系统会请您确认与该公司及其母集团不存在利益冲突，或申报冲突：

{link}`,
    },
  }),

  clarification_requested: template({
    vars: ["name", "reference", "title", "question", "link"],
    en: {
      subject: "The CDA has a question about proposal {reference}",
      text: `Dear {name},

The CDA needs a clarification about your proposal {reference} ("{title}"):

{question}

Please answer through the portal; your proposal stays under review once you have answered:

{link}`,
    },
    "zh-Hans": {
      subject: "首都发展局对提案 {reference} 有一个问题",
      text: `{name}，您好：

首都发展局需要您就提案 {reference}（“{title}”）作出澄清：

{question}

请通过门户作答；您作答后，提案将继续评审：

{link}`,
    },
  }),

  proposal_submitted: template({
    vars: ["name", "reference", "title", "company", "call", "submittedAt", "link", "contact"],
    en: {
      subject: "Proposal {reference} received",
      text: `Dear {name},

The CDA has received your proposal "{title}" ({company}) for the call "{call}" on {submittedAt} (Pakistan time).

Your reference number is {reference}. Please quote it in any message to the CDA.

Your receipt, with the SHA-256 fingerprint of every document you submitted, is here:

{link}

CDA reviewers will now score your proposal against the published criteria. If we need more information we will email you. Questions: {contact}`,
    },
    "zh-Hans": {
      subject: "已收到提案 {reference}",
      text: `{name}，您好：

首都发展局已于 {submittedAt}（巴基斯坦时间）收到您为征集“{call}”提交的提案“{title}”（{company}）。

您的参考编号为 {reference}。与首都发展局联系时请注明此编号。

您的回执（含所提交每个文件的 SHA-256 指纹）请见：

{link}

首都发展局评审人员将按照公布的标准为您的提案评分。如需补充信息，我们会给您发送电子邮件。如有疑问，请联系：{contact}`,
    },
  }),

  decision: template({
    vars: ["name", "reference", "title", "call", "outcome", "next", "link", "contact"],
    en: {
      subject: "Decision on proposal {reference}",
      text: `Dear {name},

The CDA has decided the call "{call}". The decision on your proposal {reference} ("{title}") is: {outcome}.

{next}

You can see the decision on your proposal's page:

{link}

Questions about this decision: {contact}`,
    },
    "zh-Hans": {
      subject: "关于提案 {reference} 的决定",
      text: `{name}，您好：

首都发展局已对征集“{call}”作出决定。您的提案 {reference}（“{title}”）的决定为：{outcome}。

{next}

您可以在提案页面查看该决定：

{link}

如对本决定有疑问，请联系：{contact}`,
    },
  }),

  // Issue 15: the staff discussion of a proposal, and reminders of due reviews.
  discussion_comment: template({
    vars: ["name", "author", "reference", "title", "link"],
    en: {
      subject: "New comment in the discussion of proposal {reference}",
      text: `Dear {name},

{author} has posted a comment in the reviewers' discussion of proposal {reference} ("{title}"). The discussion is open to the proposal's reviewers who have submitted their review, and to officials; applicants never see it.

Read and reply:

{link}`,
    },
    "zh-Hans": {
      subject: "提案 {reference} 的讨论中有新评论",
      text: `{name}，您好：

{author} 在提案 {reference}（“{title}”）的评审讨论中发表了评论。该讨论仅对已提交评审意见的本提案评审人员和官员开放，申请人永远看不到。

阅读并回复：

{link}`,
    },
  }),

  reminder_review_due_soon: template({
    vars: ["name", "reference", "company", "call", "due", "link"],
    en: {
      subject: "Reminder: your review of {reference} is due by {due}",
      text: `Dear {name},

This is a reminder that your review of proposal {reference} ({company}) in the call "{call}" is due by {due} (Pakistan time), and it has not been submitted yet.

Open the proposal to finish and submit your review:

{link}`,
    },
    "zh-Hans": {
      subject: "提醒：您对 {reference} 的评审应于 {due} 前提交",
      text: `{name}，您好：

特此提醒：您对征集“{call}”中提案 {reference}（{company}）的评审应于 {due}（巴基斯坦时间）前提交，目前尚未提交。

请打开提案完成并提交您的评审：

{link}`,
    },
  }),

  reminder_review_overdue: template({
    vars: ["name", "reference", "company", "call", "due", "link"],
    en: {
      subject: "Overdue: your review of {reference} was due {due}",
      text: `Dear {name},

Your review of proposal {reference} ({company}) in the call "{call}" was due by {due} (Pakistan time) and has not been submitted. Please submit it as soon as you can, or tell the call's officials if you cannot.

{link}`,
    },
    "zh-Hans": {
      subject: "已逾期：您对 {reference} 的评审应于 {due} 前提交",
      text: `{name}，您好：

您对征集“{call}”中提案 {reference}（{company}）的评审应于 {due}（巴基斯坦时间）前提交，但尚未提交。请尽快提交；如无法完成，请告知该征集的官员。

{link}`,
    },
  }),

  reminder_call_overdue: template({
    vars: ["name", "call", "count", "reviewers", "link"],
    en: {
      subject: 'Overdue reviews in the call "{call}": {count}',
      text: `Dear {name},

{count} review(s) in the call "{call}" are past their due date and not submitted. Reviewers with overdue reviews: {reviewers}.

You may remind them, reassign the proposals, or extend the due dates on the call's assignments page:

{link}`,
    },
    "zh-Hans": {
      subject: "征集“{call}”中有逾期评审：{count} 份",
      text: `{name}，您好：

征集“{call}”中有 {count} 份评审已过截止日期且尚未提交。有逾期评审的评审人员：{reviewers}。

您可以在该征集的分配页面提醒他们、重新分配提案或延长截止日期：

{link}`,
    },
  }),

  webhook_paused: template({
    vars: ["name", "url", "reason", "failures", "link"],
    en: {
      subject: "Webhook endpoint paused: {url}",
      text: `Dear {name},

The CDA portal has paused deliveries to the webhook endpoint you own, {url}, because it kept failing ({reason}; {failures} failed attempt(s) in a row).

Events are still recorded for it and will be sent once an administrator resumes the endpoint. Check the receiver, then resume it and redeliver what failed on the endpoint's page:

{link}`,
    },
    "zh-Hans": {
      subject: "Webhook 端点已暂停：{url}",
      text: `{name}，您好：

由于您负责的 Webhook 端点 {url} 持续投递失败（{reason}；连续失败 {failures} 次），首都发展局门户已暂停向其投递。

该端点的事件仍会被记录，管理员恢复该端点后将继续发送。请检查接收方，然后在该端点页面恢复投递并重新投递失败的事件：

{link}`,
    },
  }),
} as const;

export type MailTemplateName = keyof typeof MAIL_TEMPLATES;
export type MailVars<N extends MailTemplateName> = Record<
  (typeof MAIL_TEMPLATES)[N]["vars"][number],
  string
>;

/** Variables that carry a person's or a company's name, chosen by users: always neutralised. */
const NAME_VARS: ReadonlySet<string> = new Set(["name", "invitedBy", "company"]);
/** The longest name a message carries (in characters); longer ones end in "…". */
export const MAIL_NAME_MAX = 60;
/** The salutation instead of a name the recipient has not proved is theirs. */
export const ANONYMOUS_NAME: Record<Locale, string> = {
  en: "Sir or Madam",
  "zh-Hans": "尊敬的用户",
};

/**
 * A name made safe to put in a message from the CDA (issue 12 item 7): no control, format or
 * bidirectional characters, no link (schemes and "www." removed, a "." or "@" between letters or
 * digits becomes a space, so that no mail client turns "evil.example" into a link), one line,
 * at most MAIL_NAME_MAX characters.
 */
export function neutraliseMailName(value: string): string {
  const cleaned = value
    .normalize("NFKC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/+/giu, " ")
    .replace(/\b(?:mailto|javascript|data|file|tel|sms):/giu, " ")
    .replace(/\bwww\./giu, " ")
    .replace(/(?<=[\p{L}\p{N}])[.@\uFF0E\uFF20](?=[\p{L}\p{N}])/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
  const chars = [...cleaned];
  return chars.length > MAIL_NAME_MAX
    ? `${chars
        .slice(0, MAIL_NAME_MAX - 1)
        .join("")
        .trimEnd()}…`
    : cleaned;
}

export interface RenderOptions {
  /**
   * Whether the recipient has proved the address is theirs. When not (a registration, a reset or
   * an invitation to an unconfirmed address), the name a user chose is left out and the message
   * greets ANONYMOUS_NAME: nobody can make the CDA send their words to someone else's address.
   */
  recipientVerified?: boolean;
}

/** Fills a template in one language; a missing variable is a programming error and throws. */
export function renderMail<N extends MailTemplateName>(
  name: N,
  locale: Locale,
  vars: MailVars<N>,
  options: RenderOptions = {},
): MailText {
  const tpl: MailTemplate = MAIL_TEMPLATES[name];
  const given = vars as Record<string, string>;
  for (const v of tpl.vars) {
    if (typeof given[v] !== "string") throw new Error(`Mail ${name}: missing variable "${v}"`);
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(given)) {
    values[key] = NAME_VARS.has(key) ? neutraliseMailName(value) : value;
  }
  if ("name" in values && (options.recipientVerified === false || values.name === "")) {
    values.name = ANONYMOUS_NAME[locale];
  }
  const fill = (s: string) =>
    s.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? values[key]! : whole));
  const text = tpl[locale];
  return {
    subject: fill(text.subject),
    text: `${fill(text.text)}\n\n${SIGNATURE[locale]}\n`,
  };
}
