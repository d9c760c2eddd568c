// The default published criteria (criteria.md), in English and Simplified Chinese: a product rule,
// so it lives in the domain. A new call starts with them (admin.calls.new); the demo seed
// (db/seed/default-criteria.ts) publishes them for its calls.
// Gate keys are lower case (g1, g2, g3: the criteria editor's key format); pages show them as G1–G3.

export type Bilingual = { en: string; zh: string };

export interface DefaultCriterion {
  key: string;
  kind: "scored" | "gate";
  titleEn: string;
  titleZh: string;
  descriptionEn: string;
  descriptionZh: string;
  /** Whole percent; null for gates. The scored weights sum to 100. */
  weight: number | null;
  /** 0–5; null for gates. */
  minLevel: number | null;
  /** Six descriptors, levels 0..5 (scored criteria); empty for gates. */
  descriptors: Bilingual[];
  /** A gate that applies to one track only (G2: tier4DataCentre); null = every proposal. */
  appliesToTrack: string | null;
}

const d = (en: string, zh: string): Bilingual => ({ en, zh });

export const DEFAULT_CRITERIA: readonly DefaultCriterion[] = [
  {
    key: "tier4",
    kind: "scored",
    titleEn: "Tier IV technical credibility",
    titleZh: "Tier IV 技术可信度",
    descriptionEn:
      "How credible the fault-tolerant design is and how far the applicant has taken Tier IV certification.",
    descriptionZh: "容错设计的可信程度，以及申请方在 Tier IV 认证方面的进展。",
    weight: 20,
    minLevel: 3,
    descriptors: [
      d("None", "无"),
      d("Claim only", "仅有声明"),
      d("Partial design", "部分设计"),
      d("Fault-tolerant design with certification planned", "容错设计，并已计划认证"),
      d("Design certified elsewhere", "设计已在其他项目获得认证"),
      d("Certified Tier IV sites operating", "已有获得 Tier IV 认证的数据中心在运营"),
    ],
    appliesToTrack: null,
  },
  {
    key: "energy",
    kind: "scored",
    titleEn: "Energy and sustainability",
    titleZh: "能源与可持续性",
    descriptionEn: "Design power usage effectiveness (PUE) and the share of renewable energy.",
    descriptionZh: "设计电能使用效率（PUE）及可再生能源占比。",
    weight: 10,
    minLevel: 2,
    descriptors: [
      d("No PUE", "未提供 PUE"),
      d("PUE > 1.6", "PUE 高于 1.6"),
      d("PUE 1.5–1.6", "PUE 1.5–1.6"),
      d("PUE 1.4–1.5", "PUE 1.4–1.5"),
      d("PUE 1.3–1.4 with renewables plan", "PUE 1.3–1.4，且有可再生能源计划"),
      d("PUE ≤ 1.3 and ≥ 50% renewable", "PUE ≤ 1.3，且可再生能源占比 ≥ 50%"),
    ],
    appliesToTrack: null,
  },
  {
    key: "data",
    kind: "scored",
    titleEn: "Data security and sovereignty",
    titleZh: "数据安全与主权",
    descriptionEn:
      "Data residency in Pakistan, information-security certification and incident readiness.",
    descriptionZh: "数据在巴基斯坦境内驻留、信息安全认证以及安全事件应对能力。",
    weight: 15,
    minLevel: 3,
    descriptors: [
      d("Missing", "缺失"),
      d("Vague", "含糊"),
      d("Commitment only", "仅有承诺"),
      d("Residency plus ISO 27001 plan", "数据驻留承诺，并有 ISO 27001 认证计划"),
      d("Certified operator with tested incident plan", "已获认证的运营方，且事件响应计划经过演练"),
      d("Audit history and full classification mapping", "有审计记录，并完成数据分类的完整对应"),
    ],
    appliesToTrack: null,
  },
  {
    key: "value",
    kind: "scored",
    titleEn: "Big-data value to Islamabad",
    titleZh: "大数据对伊斯兰堡的价值",
    descriptionEn:
      "Concrete big-data services for the city and how their benefit will be measured.",
    descriptionZh: "为城市提供的具体大数据服务，以及衡量其效益的方式。",
    weight: 10,
    minLevel: 2,
    descriptors: [
      d("None", "无"),
      d("Generic", "泛泛而谈"),
      d("Few use cases", "少量应用场景"),
      d("Costed use cases", "应用场景已做成本测算"),
      d(
        "Costed use cases plus integration plan with the city",
        "应用场景已测算成本，并有与市政系统的整合计划",
      ),
      d("Plus measurable service KPIs", "在此基础上还有可衡量的服务关键绩效指标（KPI）"),
    ],
    appliesToTrack: null,
  },
  {
    key: "finance",
    kind: "scored",
    titleEn: "Investment and financing",
    titleZh: "投资与融资",
    descriptionEn: "The size of the investment and how firmly its financing is evidenced.",
    descriptionZh: "投资规模及其融资来源的可靠程度。",
    weight: 15,
    minLevel: 2,
    descriptors: [
      d("None", "无"),
      d("Amount only", "仅有金额"),
      d("Unsupported", "缺乏依据"),
      d("Equity evidenced", "股本资金有证明"),
      d("Equity evidenced plus lender letters", "股本资金有证明，并有贷款方意向函"),
      d("Committed financing without state guarantee", "融资已落实，且无需政府担保"),
    ],
    appliesToTrack: null,
  },
  {
    key: "track",
    kind: "scored",
    titleEn: "Capability and track record",
    titleZh: "能力与业绩记录",
    descriptionEn: "Comparable facilities and platforms the applicant has built and operates.",
    descriptionZh: "申请方已建成并运营的同类设施和平台。",
    weight: 10,
    minLevel: 2,
    descriptors: [
      d("None", "无"),
      d("New entrant", "新进入者"),
      d("Small projects", "仅有小型项目"),
      d("One similar project", "有一个类似项目"),
      d("Several similar projects", "有多个类似项目"),
      d("Several certified projects at this size or larger", "有多个同等或更大规模的已认证项目"),
    ],
    appliesToTrack: null,
  },
  {
    key: "local",
    kind: "scored",
    titleEn: "Local jobs, skills and technology transfer",
    titleZh: "本地就业、技能与技术转让",
    descriptionEn: "Jobs and training for Pakistani staff and the transfer of know-how.",
    descriptionZh: "为巴基斯坦员工提供的就业与培训，以及技术和经验的转让。",
    weight: 10,
    minLevel: 2,
    descriptors: [
      d("None", "无"),
      d("Vague", "含糊"),
      d("Numbers only", "仅有数字"),
      d("Trainees with timeline", "有培训生计划及时间表"),
      d("Trainees with timeline plus university partner", "有培训计划及时间表，并有大学合作伙伴"),
      d(
        "≥ 80% local staff by year 5 and a transfer plan",
        "第 5 年本地员工占比 ≥ 80%，并有技术转让计划",
      ),
    ],
    appliesToTrack: null,
  },
  {
    key: "delivery",
    kind: "scored",
    titleEn: "Delivery plan and risk",
    titleZh: "交付计划与风险",
    descriptionEn: "How realistic the milestones are and how the risks to them are managed.",
    descriptionZh: "里程碑的可行性，以及对相关风险的管理。",
    weight: 10,
    minLevel: 2,
    descriptors: [
      d("None", "无"),
      d("Dates only", "仅有日期"),
      d("Unrealistic", "不切实际"),
      d("Realistic", "切实可行"),
      d("Realistic plus risk register", "切实可行，并有风险登记册"),
      d("Plus mitigations and contingency", "在此基础上有缓解措施和应急预案"),
    ],
    appliesToTrack: null,
  },
  {
    key: "g1",
    kind: "gate",
    titleEn: "Eligibility and integrity",
    titleZh: "资格与诚信",
    descriptionEn: "Valid licence and company identifier, declarations signed.",
    descriptionZh: "营业执照和企业标识代码有效，各项声明均已签署。",
    weight: null,
    minLevel: null,
    descriptors: [],
    appliesToTrack: null,
  },
  {
    key: "g2",
    kind: "gate",
    titleEn: "Tier IV certification",
    titleZh: "Tier IV 认证",
    descriptionEn:
      "Design certified before construction and the constructed facility certified before operations, or a proven equivalent.",
    descriptionZh: "施工前完成设计认证，投入运营前完成建成设施认证，或具有经证明的同等认证。",
    weight: null,
    minLevel: null,
    descriptors: [],
    appliesToTrack: "tier4DataCentre",
  },
  {
    key: "g3",
    kind: "gate",
    titleEn: "Data residency",
    titleZh: "数据驻留",
    descriptionEn:
      "Restricted-and-above data stays in Pakistan; accepts an independent audit; ISO 27001 within 12 months of starting operations.",
    descriptionZh:
      "受限级及以上数据留存在巴基斯坦境内；接受独立审计；在开始运营后 12 个月内获得 ISO 27001 认证。",
    weight: null,
    minLevel: null,
    descriptors: [],
    appliesToTrack: null,
  },
];

/** Default tie-break order (scored criterion keys), then earlier submission, then reference. */
export const DEFAULT_TIE_BREAK = ["tier4", "data", "finance"] as const;
