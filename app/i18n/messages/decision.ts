// Decisions published to applicants once a call is decided: what each outcome means and what
// happens next (proposal pages and the decision e-mail), and the staff message that refuses
// "mark decided" while proposals still lack a decision. Reasons are internal and never shown.
export const en = {
  "decision.heading": "Decision",
  "decision.explain.shortlisted":
    "Your proposal has been shortlisted. The CDA will contact you about the next stage, which may include a presentation, site visits and negotiations. Being shortlisted is not yet an agreement.",
  "decision.explain.reserve":
    "Your proposal is on the reserve list. It may be invited to the next stage if a shortlisted proposal does not go ahead; the CDA will contact you if so. You do not need to do anything now.",
  "decision.explain.rejected":
    "Your proposal has not been selected in this call. Thank you for taking part. You are welcome to submit a proposal to a future call.",
  "decision.short.shortlisted": "The CDA will contact you about the next stage.",
  "decision.short.reserve": "May be invited if a shortlisted proposal does not go ahead.",
  "decision.short.rejected": "You are welcome to apply to a future call.",
  "decision.confidential": "Scores and reviewers' comments are confidential to the CDA.",
  "decision.contact": "Questions about this decision: {contact}",
  "decision.undecided":
    "The call cannot be marked decided yet: {count} submitted proposal(s) still have no decision: {references}. Record a decision for each on the ranking board first.",
  "decision.undecidedMany":
    "The call cannot be marked decided yet: {count} submitted proposals still have no decision. The first {shown}: {references}. Record a decision for each on the ranking board first.",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "decision.heading": "决定",
  "decision.explain.shortlisted":
    "您的提案已入围。首都发展局将就下一阶段与您联系，下一阶段可能包括陈述演示、实地考察和谈判。入围并不代表已达成协议。",
  "decision.explain.reserve":
    "您的提案已列入候补名单。如有入围提案未能继续推进，您的提案可能会被邀请进入下一阶段，届时首都发展局会与您联系。目前您无需采取任何行动。",
  "decision.explain.rejected":
    "您的提案未在本次征集中入选。感谢您的参与，欢迎您在今后的征集中再次提交提案。",
  "decision.short.shortlisted": "首都发展局将就下一阶段与您联系。",
  "decision.short.reserve": "如有入围提案未能继续推进，可能会被邀请。",
  "decision.short.rejected": "欢迎您参加今后的征集。",
  "decision.confidential": "评分和评审意见仅供首都发展局内部使用，不予公开。",
  "decision.contact": "如对本决定有疑问，请联系：{contact}",
  "decision.undecided":
    "暂不能将本征集标记为已决定：仍有 {count} 份已提交的提案尚无决定：{references}。请先在排名看板上为每份提案记录决定。",
  "decision.undecidedMany":
    "暂不能将本征集标记为已决定：仍有 {count} 份已提交的提案尚无决定。前 {shown} 份：{references}。请先在排名看板上为每份提案记录决定。",
};
