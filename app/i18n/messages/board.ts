// The ranking board's actions (decisions and moderation) when they refuse: officials see these in
// the page's language, as every command's refusal is a message key (app/domain/command.ts).
export const en = {
  "board.error.decisionsFinal": "The call has been decided: decisions are final.",
  "board.error.moderationClosed": "The call has been decided: moderation is closed.",
  "board.error.proposalNotFound": "No such proposal.",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "board.error.decisionsFinal": "该征集已作出决定：各项决定均为最终决定。",
  "board.error.moderationClosed": "该征集已作出决定：复核已结束。",
  "board.error.proposalNotFound": "未找到该提案。",
};
