// Review side: conflicts, assignment, scoring, clarification questions (messages shown in forms).
export const en = {
  "review.error.level": "Select a level from 0 to 5",
  "review.error.levelRange": "The level must be a whole number from 0 to 5",
  "review.error.gate": "Select pass or fail",
  "review.error.rationale": "Write a rationale of at least {min} characters",
  "review.error.conflictReason": "Enter the reason for the conflict of interest",
  "review.error.parentGroup": "Enter the name of the parent group",
  "review.error.organisation": "Select a company from the search results",
  "review.error.conflictTarget": "Select a company or enter a parent group",
  "review.error.notFound": "This proposal or review could not be found",
  "uscc.error.adminOnly": "Only an administrator can resolve a disputed credit code",
  "uscc.error.chooseHolder": "Select the company that holds the credit code",
  "uscc.error.note":
    "Explain the decision in 10 to 2000 characters (what was checked, for the audit log)",
  "uscc.error.notDisputed": "No other company claims this credit code: there is nothing to resolve",
  "review.error.notReviewable":
    "This proposal cannot be reviewed in its current status (it is withdrawn or already decided)",
  "review.error.notAReviewer": "Select an enabled reviewer",
  "review.error.chooseReviewer": "Select a reviewer",
  "review.error.alreadyAssigned": "This reviewer is already assigned to this proposal",
  "review.error.conflictedReviewer":
    "This reviewer has declared a conflict of interest with this company, its parent group or this proposal, and cannot be assigned",
  "review.error.noSuchAssignment": "This assignment is no longer active",
  "review.error.unassignSubmitted":
    "This reviewer has already submitted a review, so the assignment cannot be removed. Return the review for rework instead",
  "review.error.notAssigned": "This proposal is not assigned to you",
  "review.error.conflicted":
    "You have declared a conflict of interest with this proposal, so you cannot review it",
  "review.error.notAttested":
    "Confirm that you have no conflict of interest before scoring this proposal",
  "review.error.alreadySubmitted":
    "Your review has already been submitted. It can change only if an official returns it for rework",
  "review.error.noCriteria": "The criteria of this call have not been published yet",
  "review.error.returnNote": "Write a note telling the reviewer what to rework",
  "review.error.returnNotSubmitted": "Only a submitted review can be returned for rework",
  "review.error.question": "Write a question of at least {min} characters",
  "review.error.notAskable":
    "Questions can be asked only about a submitted proposal that has not been decided or withdrawn",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "review.error.level": "请选择 0 至 5 的等级",
  "review.error.levelRange": "等级必须是 0 至 5 的整数",
  "review.error.gate": "请选择通过或不通过",
  "review.error.rationale": "请填写至少 {min} 个字符的评分理由",
  "review.error.conflictReason": "请填写利益冲突的原因",
  "review.error.parentGroup": "请填写母集团名称",
  "review.error.organisation": "请从搜索结果中选择一家公司",
  "review.error.conflictTarget": "请选择一家公司或填写母集团",
  "review.error.notFound": "找不到此提案或评审",
  "uscc.error.adminOnly": "只有管理员可以处理有争议的统一社会信用代码",
  "uscc.error.chooseHolder": "请选择持有该统一社会信用代码的公司",
  "uscc.error.note": "请用 10 至 2000 个字符说明此决定（核查了哪些内容，供审计日志记录）",
  "uscc.error.notDisputed": "没有其他公司使用此统一社会信用代码，无需处理",
  "review.error.notReviewable": "此提案当前状态下不能评审（已撤回或已作出决定）",
  "review.error.notAReviewer": "请选择一位已启用的评审人",
  "review.error.chooseReviewer": "请选择评审人",
  "review.error.alreadyAssigned": "该评审人已被分配到此提案",
  "review.error.conflictedReviewer":
    "该评审人已申报与此公司、其母集团或此提案存在利益冲突，不能分配",
  "review.error.noSuchAssignment": "此分配已不再有效",
  "review.error.unassignSubmitted": "该评审人已提交评审，不能取消分配。请改为退回评审以便修改",
  "review.error.notAssigned": "此提案未分配给您",
  "review.error.conflicted": "您已申报与此提案存在利益冲突，因此不能评审",
  "review.error.notAttested": "评分前请先确认您不存在利益冲突",
  "review.error.alreadySubmitted": "您的评审已提交。只有官员退回修改后才能更改",
  "review.error.noCriteria": "本次征集的评审标准尚未发布",
  "review.error.returnNote": "请填写说明，告知评审人需要修改的内容",
  "review.error.returnNotSubmitted": "只有已提交的评审才能退回修改",
  "review.error.question": "请填写至少 {min} 个字符的问题",
  "review.error.notAskable": "只能对已提交且尚未决定或撤回的提案提出问题",
};
