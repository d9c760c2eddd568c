// Public pages: the home page, a call, its published criteria and scoring rules.
export const en = {
  "public.home.metaTitle": "Calls for proposals – CDA Investment Proposal Portal",
  "public.home.title": "Invest in Islamabad's digital infrastructure",
  "public.home.intro1":
    "The Capital Development Authority (CDA) of Islamabad invites companies to propose collaborations in Tier IV data centres and big data systems for the city.",
  "public.home.intro2":
    "Read a call and its published criteria, register your company, then prepare your proposal online. You can save a draft and come back to it at any time before the deadline.",
  "public.home.callsTitle": "Open and upcoming calls",
  "public.home.noCalls":
    "There are no open calls at the moment. Please check this page again later.",
  "public.phase.open": "Open",
  "public.phase.upcoming": "Upcoming",
  "public.phase.closed": "Closed for submissions",
  "public.call.opens": "Opens",
  "public.call.deadline": "Deadline",
  "public.call.timeLeft": "Time left",
  "public.call.opensIn": "Opens in",
  "public.call.readCall": "About this call",
  "public.call.criteriaLink": "Published criteria and scoring rules",
  "public.call.start": "Start a proposal",
  "public.countdown.days.one": "{n} day",
  "public.countdown.days.other": "{n} days",
  "public.countdown.hours.one": "{n} hour",
  "public.countdown.hours.other": "{n} hours",
  "public.countdown.minutes.one": "{n} minute",
  "public.countdown.minutes.other": "{n} minutes",
  "public.countdown.left": "{time} left",
  "public.countdown.opensIn": "Opens in {time}",
  "public.countdown.closed": "The deadline has passed",
  "public.countdown.opened": "Now open",
  "public.call.metaTitle": "{title} – CDA Investment Proposal Portal",
  "public.call.keyFacts": "Key facts",
  "public.call.status": "Status",
  "public.call.minReviews": "Reviews needed per proposal",
  "public.call.minReviewsValue": "At least {n}",
  "public.call.qualifyingScore": "Qualifying score",
  "public.call.qualifyingScoreValue": "{score} out of 100",
  "public.call.contact": "Questions about this call",
  "public.call.howToApply": "How to apply",
  "public.call.step1": "Read the published criteria and scoring rules for this call.",
  "public.call.step2":
    "Register an account for your company, or sign in if you already have one. Your company profile is saved once and reused for every proposal.",
  "public.call.step3":
    "Start a proposal and complete each section. You can save a draft and return to it later.",
  "public.call.step4":
    "Upload the required documents, check your answers and submit before the deadline. The server refuses late submissions, whatever your computer's clock shows.",
  "public.call.step5":
    "You will get a reference number and a receipt. We may ask you questions while we review your proposal; you can follow its status online.",
  "public.call.startHint": "You will be asked to sign in or register first.",
  "public.call.notOpenYet": "You can start a proposal once the call opens.",
  "public.call.closedNotice": "This call no longer accepts proposals.",
  "public.criteria.metaTitle": "Criteria and scoring rules: {title}",
  "public.criteria.title": "Criteria and scoring rules",
  "public.criteria.backToCall": "Back to the call",
  "public.criteria.version": "Version {version}, published {date}.",
  "public.criteria.notPublished": "The criteria for this call have not been published yet.",
  "public.criteria.overview": "Weights and minimum levels",
  "public.criteria.criterion": "Criterion",
  "public.criteria.weight": "Weight",
  "public.criteria.minLevel": "Minimum level",
  "public.criteria.total": "Total",
  "public.criteria.percent": "{n}%",
  "public.criteria.scoredTitle": "Scored criteria",
  "public.criteria.scoredIntro":
    "Reviewers give each criterion a level from 0 to 5 and write a rationale. The descriptors say what each level means.",
  "public.criteria.levels": "Levels",
  "public.criteria.levelN": "Level {level}",
  "public.criteria.gatesTitle": "Gates (pass or fail)",
  "public.criteria.gatesIntro": "A proposal must pass every gate that applies to it.",
  "public.criteria.gateTrackOnly": "Applies to the Tier IV data centre track only.",
  "public.criteria.gateAllTracks": "Applies to every proposal.",
  "public.criteria.rulesTitle": "Scoring rules",
  "public.criteria.rulesIntro":
    "These rules are applied exactly as written, with this call's parameters.",
  "public.rules.weights":
    "Each scored criterion has a weight in whole percent (the weights of this call sum to 100), a minimum level, and a rubric with one descriptor for each level from 0 to 5. Reviewers give a level and a written rationale for every criterion.",
  "public.rules.submittedOnly":
    "A review counts when it is submitted (not a draft, not returned for rework) and its proposal is in the competition (submitted, under review, clarification requested, or decided; not a draft, not withdrawn). Only counting reviews are used, everywhere: scores, gates, flags, calibration, exports. A withdrawn proposal's reviews leave every computation, calibration included.",
  "public.rules.gates":
    "Gate criteria are pass or fail. A proposal fails a gate when a majority of its counting reviews mark it fail; an even split is flagged for moderation and counts as not passed until an official records a moderation decision for that gate. A moderation decides the split as it stood: it names the reviews it decided, and it lapses (stays in the audit log, stops applying, the flag shows again) as soon as the set of counting reviews of that proposal changes. A moderation of a gate that is not split is refused.",
  "public.rules.score":
    "A proposal's score (0–100) = Σ weightᵢ × (mean level of criterion i over counting reviews) / 5.",
  "public.rules.reviewTotal":
    "A review's total = Σ weightᵢ × levelᵢ / 5; a proposal's score is also the mean of its reviews' totals.",
  "public.rules.qualifies":
    "A proposal qualifies when it has at least {minReviews} counting reviews, passes every gate, reaches every criterion's minimum level (mean over reviews), and its score (the raw score; calibration never changes qualification) is at least {qualifyingScore}. A proposal with fewer counting reviews than that is ranked, marked “provisional” on the board and in every export, and does not qualify.",
  "public.rules.disagreement":
    "Disagreement is flagged when reviewers' levels for one criterion differ by {spread} or more, or the reviewers' totals have a population standard deviation above {sd} points. An official resolves a flag by returning a review for rework or by recording a moderation note (which, like a gate moderation, lapses when the counting reviews change).",
  "public.rules.calibration":
    "Calibrated score: each reviewer's totals are standardised (z-score, population standard deviation) over all counting reviews that reviewer gave in this call, then mapped back onto the mean and population standard deviation of all counting review totals in the call; a proposal's calibrated score is the mean of its reviews' calibrated totals. Reviewers with fewer than {calibrationMin} counting reviews in the call, or whose totals do not vary, count raw (their calibrated total is their raw total). It is not clamped: it may fall outside 0–100. The calibrated score is shown beside the raw score and can be selected for ranking; the ranking board always says which score orders it.",
  "public.rules.precision":
    "Precision: values are computed in double precision, and every comparison the rules make (ties, qualifying score, minimum levels, the standard-deviation threshold) is made on the values rounded to 6 decimal places, half away from zero, so that anyone can reproduce every decision in a spreadsheet with ROUND(x; 6). Scores are shown and exported to 2 decimals, half away from zero.",
  "public.rules.rank":
    "Rank is a proposal's position in the whole call by the score in use (whether it qualifies is a column and a filter, not a sort key). Filters and sorting never renumber it: a filtered board or export shows each proposal's rank in the call, and a gap means proposals outside the filter. For an official with declared conflicts in the call, the proposals withheld from them are left out before ranking, so their ranks run without gaps over what they may see, and the board and every export they make say how many proposals were withheld (never which).",
  "public.rules.ties":
    "Ties (scores equal at 6 decimals) are broken by this call's published tie-break order of criteria, higher mean level first, compared at 6 decimals: {order}; then by the earlier submission time; then by the reference number's sequence (CDA-2026-0042 before CDA-2026-10000).",
  "public.rules.tieItem": "({n}) {title}",
  "public.rules.recompute":
    "Anyone with the exported workbook can recompute every score, qualification, flag and rank from its sheets alone (Raw scores, Criteria, Rules, Proposals, Moderations).",
} as const;

export const zh: Record<keyof typeof en, string> = {
  "public.home.metaTitle": "提案征集 – 首都发展局投资提案门户",
  "public.home.title": "投资伊斯兰堡数字基础设施",
  "public.home.intro1":
    "伊斯兰堡首都发展局（CDA）诚邀企业就本市的 Tier IV 数据中心和大数据系统提出合作提案。",
  "public.home.intro2":
    "请先阅读征集公告及已公布的评审标准，注册贵公司账户，然后在线准备提案。截止日期前，您可随时保存草稿并稍后继续填写。",
  "public.home.callsTitle": "开放中及即将开放的征集",
  "public.home.noCalls": "目前没有开放的征集，请稍后再查看本页。",
  "public.phase.open": "开放中",
  "public.phase.upcoming": "即将开放",
  "public.phase.closed": "已停止接收提案",
  "public.call.opens": "开放时间",
  "public.call.deadline": "截止时间",
  "public.call.timeLeft": "剩余时间",
  "public.call.opensIn": "距开放",
  "public.call.readCall": "征集详情",
  "public.call.criteriaLink": "已公布的评审标准和评分规则",
  "public.call.start": "开始填写提案",
  "public.countdown.days.one": "{n} 天",
  "public.countdown.days.other": "{n} 天",
  "public.countdown.hours.one": "{n} 小时",
  "public.countdown.hours.other": "{n} 小时",
  "public.countdown.minutes.one": "{n} 分钟",
  "public.countdown.minutes.other": "{n} 分钟",
  "public.countdown.left": "剩余 {time}",
  "public.countdown.opensIn": "{time}后开放",
  "public.countdown.closed": "已过截止时间",
  "public.countdown.opened": "现已开放",
  "public.call.metaTitle": "{title} – 首都发展局投资提案门户",
  "public.call.keyFacts": "要点",
  "public.call.status": "状态",
  "public.call.minReviews": "每份提案所需评审数",
  "public.call.minReviewsValue": "至少 {n} 份",
  "public.call.qualifyingScore": "合格分数",
  "public.call.qualifyingScoreValue": "{score} 分（满分 100）",
  "public.call.contact": "有关本征集的问题",
  "public.call.howToApply": "申请方式",
  "public.call.step1": "阅读本征集已公布的评审标准和评分规则。",
  "public.call.step2":
    "为贵公司注册账户，已有账户请直接登录。公司资料只需填写一次，可用于所有提案。",
  "public.call.step3": "开始填写提案并完成各个部分。您可以保存草稿，稍后继续。",
  "public.call.step4":
    "上传所需文件，核对您的答复，并在截止时间前提交。逾期提交将被服务器拒绝，与您电脑显示的时间无关。",
  "public.call.step5":
    "您将获得一个参考编号和一份回执。评审期间我们可能向您提问；您可以在线查看提案状态。",
  "public.call.startHint": "系统会先请您登录或注册。",
  "public.call.notOpenYet": "征集开放后即可开始填写提案。",
  "public.call.closedNotice": "本征集已不再接收提案。",
  "public.criteria.metaTitle": "评审标准和评分规则：{title}",
  "public.criteria.title": "评审标准和评分规则",
  "public.criteria.backToCall": "返回征集详情",
  "public.criteria.version": "第 {version} 版，发布于 {date}。",
  "public.criteria.notPublished": "本征集的评审标准尚未公布。",
  "public.criteria.overview": "权重和最低等级",
  "public.criteria.criterion": "评审标准",
  "public.criteria.weight": "权重",
  "public.criteria.minLevel": "最低等级",
  "public.criteria.total": "合计",
  "public.criteria.percent": "{n}%",
  "public.criteria.scoredTitle": "评分标准",
  "public.criteria.scoredIntro":
    "评审人对每项标准给出 0 至 5 级的等级，并写明理由。各等级的含义见下方描述。",
  "public.criteria.levels": "等级",
  "public.criteria.levelN": "{level} 级",
  "public.criteria.gatesTitle": "门槛条件（通过或不通过）",
  "public.criteria.gatesIntro": "提案必须通过所有适用于它的门槛条件。",
  "public.criteria.gateTrackOnly": "仅适用于 Tier IV 数据中心方向。",
  "public.criteria.gateAllTracks": "适用于所有提案。",
  "public.criteria.rulesTitle": "评分规则",
  "public.criteria.rulesIntro": "以下规则按原文执行，并采用本征集的参数。",
  "public.rules.weights":
    "每项评分标准有一个以整数百分比表示的权重（本征集各项权重之和为 100）、一个最低等级，以及一套评分细则：0 至 5 级每级各有一条描述。评审人须对每项标准给出等级并写明理由。",
  "public.rules.submittedOnly":
    "评审须同时满足以下条件才计入：已提交（不是草稿，也未被退回重做），且其提案仍在竞争之中（已提交、审核中、待澄清或已决定；不是草稿，也未撤回）。在任何地方（得分、门槛、标记、校准、导出）都只使用计入的评审。已撤回提案的评审退出一切计算，包括校准。",
  "public.rules.gates":
    "门槛条件只分通过或不通过。若提案计入的评审中多数判定某项门槛不通过，则该提案未通过该门槛；若判定结果各占一半，则标记为待审议，在官员就该门槛记录审议决定之前，视为未通过。审议决定针对当时的平票作出：它列明所裁定的评审；一旦该提案计入的评审集合发生变化，它即告失效（保留在审计日志中，不再适用，标记重新显示）。对未出现平票的门槛提交审议决定，服务器将予以拒绝。",
  "public.rules.score": "提案得分（0–100）= Σ 权重ᵢ ×（标准 i 在计入评审中的平均等级）/ 5。",
  "public.rules.reviewTotal":
    "单份评审的总分 = Σ 权重ᵢ × 等级ᵢ / 5；提案得分也等于其各份评审总分的平均值。",
  "public.rules.qualifies":
    "提案须同时满足以下条件方为合格：至少有 {minReviews} 份计入的评审；通过所有门槛条件；每项标准的平均等级达到其最低等级；其得分（原始得分；校准从不改变是否合格）不低于 {qualifyingScore}。计入评审少于该数量的提案仍参与排名，在排名表和每份导出文件中标注为“暂定”，且不合格。",
  "public.rules.disagreement":
    "若评审人对同一项标准给出的等级相差 {spread} 级或以上，或各评审总分的总体标准差超过 {sd} 分，则标记为意见分歧。官员可通过退回评审重做或记录审议说明来处理该标记（审议说明与门槛审议决定一样，在计入的评审发生变化时失效）。",
  "public.rules.calibration":
    "校准得分：将每位评审人在本征集中给出的全部计入评审的总分进行标准化（z 分数，采用总体标准差），再映射回本征集全部计入评审总分的平均值和总体标准差；提案的校准得分为其各份评审校准总分的平均值。在本征集中计入评审少于 {calibrationMin} 份、或总分没有变化的评审人，按原始分数计算（其校准总分即原始总分）。校准得分不设上下限，可能超出 0–100。校准得分与原始得分并列显示，可选作排名依据；排名表始终注明当前按哪种得分排序。",
  "public.rules.precision":
    "精度：数值按双精度计算；规则所作的每一次比较（平局、合格分数线、最低等级、标准差阈值）都以四舍五入（远离零方向）到小数点后 6 位的数值进行，因此任何人都可以在电子表格中用 ROUND(x; 6) 复现每一项判定。得分显示和导出时保留 2 位小数，同样远离零方向四舍五入。",
  "public.rules.rank":
    "排名是提案在整个征集中按当前使用的得分所处的位置（是否合格是一列信息和一个筛选条件，而不是排序依据）。筛选和排序从不重新编号：经筛选的排名表或导出文件显示每个提案在整个征集中的名次，名次空缺表示有提案不在筛选范围内。对于在本征集中申报了利益冲突的官员，对其回避的提案在排名之前即被排除，因此其看到的名次连续无空缺，排名表和其导出的每份文件都会注明回避了多少个提案（但不说明是哪些）。",
  "public.rules.ties":
    "得分在小数点后 6 位相同时，先按本征集公布的评审标准顺序比较（平均等级高者优先，同样比较到小数点后 6 位）：{order}；再按提交时间（较早者优先）；最后按参考编号的序号（CDA-2026-0042 排在 CDA-2026-10000 之前）。",
  "public.rules.tieItem": "（{n}）{title}",
  "public.rules.recompute":
    "任何持有导出工作簿的人，都可以仅凭其中各表（原始评分、评审标准、规则、提案、审议）重新计算每个得分、是否合格、每个标记和每个排名。",
};
