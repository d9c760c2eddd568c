// Validation messages shared by every form. Area-specific messages live in their own files.
export const en = {
  "validation.required": "Enter a value",
  "board.moderation.notSplit":
    "Gate {gate} is not split ({passes} pass, {fails} fail): its counting reviews decide it. A moderation decides only an even split.",
  "validation.choose": "Select an option",
  "validation.tooShort": "Enter at least {min} characters",
  "validation.tooLong": "Enter {max} characters or fewer",
  "validation.email": "Enter an email address in the correct format, like name@example.com",
  "validation.url": "Enter a web address, like www.example.cn",
  "validation.wholeNumber": "Enter a whole number",
  "validation.number": "Enter a number",
  "validation.min": "Enter a number of {min} or more",
  "validation.max": "Enter a number of {max} or less",
  "validation.between": "Enter a number between {min} and {max}",
  "validation.date": "Enter a real date",
  "validation.mustAccept": "You must confirm this to continue",
  "validation.forbiddenCharacters":
    "Remove the invisible or control characters from this answer (they were probably pasted with the text)",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "validation.required": "请填写此项",
  "board.moderation.notSplit":
    "门槛 {gate} 并非平票（{passes} 票通过，{fails} 票不通过）：由计入的评审决定。裁定只适用于平票。",
  "validation.choose": "请选择一项",
  "validation.tooShort": "请至少输入 {min} 个字符",
  "validation.tooLong": "请输入不超过 {max} 个字符",
  "validation.email": "请输入格式正确的电子邮箱地址，例如 name@example.com",
  "validation.url": "请输入网址，例如 www.example.cn",
  "validation.wholeNumber": "请输入整数",
  "validation.number": "请输入数字",
  "validation.min": "请输入不小于 {min} 的数字",
  "validation.max": "请输入不大于 {max} 的数字",
  "validation.between": "请输入 {min} 到 {max} 之间的数字",
  "validation.date": "请输入有效日期",
  "validation.mustAccept": "您必须确认此项才能继续",
  "validation.forbiddenCharacters":
    "请删除此项中的不可见字符或控制字符（可能是随文字一起粘贴进来的）",
};
