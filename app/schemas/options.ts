// The choices and limits of the step questions, without zod (the step pages import these cheaply).
export const APPLICANT_TYPES = ["company", "consortium"] as const;
export const YES_NO = ["yes", "no"] as const;
export const MAX_MEMBERS = 10;
export const TRACKS = ["tier4DataCentre", "bigDataPlatform"] as const;
export const COLLABORATION_MODELS = [
  "fdi",
  "jointVenture",
  "pppBot",
  "pppBoot",
  "technologyPartnership",
  "other",
] as const;
export const SITES = ["cdaSite", "ownLand", "toBeDecided"] as const;
export const MAX_USE_CASES = 10;
export const TIER_TARGETS = ["tierIII", "tierIV"] as const;
export const POWER_TOPOLOGIES = ["2N", "2(N+1)", "other"] as const;
export const OTHER_STANDARDS = ["ISO 22301", "ISO 50001", "ISO/IEC 22237", "TIA-942"] as const;
export const DATA_CLASSES = ["open", "public", "restricted", "sensitive", "secret"] as const;
export const SUPPORT_KINDS = ["none", "land", "power", "taxIncentives", "approvals"] as const;
export const MILESTONES = [
  "financialClose",
  "constructionStart",
  "facilityCertified",
  "operationsStart",
] as const;
export const MAX_REFERENCES = 10;
export const LANGUAGES = ["en", "zh-Hans"] as const;
