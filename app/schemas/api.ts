// The read-only API's wire format (issue 17, docs/decisions/0021): the query parameters it
// validates and the bodies it serialises, as zod schemas. The routes parse their query with these
// and pass every body through them (`.parse`), and /api/openapi.json is generated from the same
// schemas (app/schemas/api-openapi.ts), so the document cannot drift from what is sent.
import { z } from "zod";
import { DECISION_FILTERS, SORT_COLUMNS, TRACKS } from "~/domain/board-query";
import { PROPOSAL_STATUSES, RANKED_STATUSES } from "~/domain/proposal-lifecycle";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "~/domain/api";

/** The named schemas of the API: components of the OpenAPI document, in this order. */
export const API_REGISTRY = z.registry<{ id: string; description?: string }>();

const CALL_STATUSES = ["draft", "open", "closed", "decided", "archived"] as const;
const DECISIONS = ["shortlisted", "reserve", "rejected"] as const;

export const CursorPageQuery = z.object({
  cursor: z
    .string()
    .max(400)
    .optional()
    .meta({ description: "The `nextCursor` of the previous page; absent for the first page." }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .meta({ description: `Rows per page (1–${MAX_PAGE_LIMIT}).` }),
});

const yesNo = z.enum(["yes", "no"]);

/** The ranking's query: the board's filters and ordering (app/domain/board-query.ts). */
export const RankingQuery = CursorPageQuery.extend({
  score: z
    .enum(["raw", "calibrated"])
    .default("raw")
    .meta({ description: "The score that orders the ranking and gives the rank." }),
  sort: z.enum(SORT_COLUMNS).default("rank"),
  dir: z
    .enum(["asc", "desc"])
    .optional()
    .meta({ description: "Default: best first for scores, A–Z for text (as the board)." }),
  track: z.enum(TRACKS).optional(),
  status: z.enum(RANKED_STATUSES).optional(),
  decision: z.enum(DECISION_FILTERS).optional(),
  qualifies: yesNo.optional(),
  flagged: yesNo.optional(),
});

export const ApiCall = z
  .object({
    slug: z.string(),
    titleEn: z.string(),
    titleZh: z.string(),
    status: z.enum(CALL_STATUSES),
    opensAt: z.string(),
    closesAt: z.string(),
    decidedAt: z.string().nullable(),
    minReviews: z.int(),
    qualifyingScore: z.number(),
  })
  .register(API_REGISTRY, { id: "Call" });

export const ApiCallPage = z
  .object({
    data: z.array(ApiCall),
    nextCursor: z.string().nullable(),
  })
  .register(API_REGISTRY, { id: "CallPage" });

const ApiCriterion = z
  .object({
    key: z.string(),
    kind: z.enum(["scored", "gate"]),
    titleEn: z.string(),
    titleZh: z.string(),
    descriptionEn: z.string(),
    descriptionZh: z.string(),
    weight: z.int().nullable(),
    minLevel: z.int().nullable(),
    descriptors: z
      .array(z.object({ level: z.int().min(0).max(5), en: z.string(), zh: z.string() }))
      .meta({ description: "One per level 0–5 (scored criteria); empty for gates." }),
    appliesToTrack: z.string().nullable(),
  })
  .register(API_REGISTRY, { id: "Criterion" });

export const ApiCriteria = z
  .object({
    call: z.string().meta({ description: "The call's slug." }),
    version: z.int(),
    publishedAt: z.string(),
    scored: z.array(ApiCriterion),
    gates: z.array(ApiCriterion),
    tieBreak: z.array(z.string()).meta({ description: "Scored criterion keys, in order." }),
    rules: z.object({
      minReviews: z.int(),
      qualifyingScore: z.number(),
      disagreementSpread: z.number(),
      disagreementSd: z.number(),
      calibrationMinReviews: z.int(),
    }),
  })
  .register(API_REGISTRY, { id: "Criteria" });

export const ApiRankingRow = z
  .object({
    proposalId: z.int(),
    rank: z.int().meta({ description: "Position in the whole call by the score in use." }),
    reference: z.string().nullable(),
    companyEn: z.string().nullable(),
    companyZh: z.string().nullable(),
    title: z.string().nullable(),
    tracks: z.array(z.string()),
    status: z.enum(PROPOSAL_STATUSES),
    investmentUsdCents: z.int().nullable(),
    reviewsSubmitted: z.int(),
    reviewsRequired: z.int(),
    provisional: z.boolean(),
    score: z.number().nullable(),
    calibratedScore: z.number().nullable(),
    gates: z.enum(["passed", "failed", "split", "pending"]),
    qualifies: z.boolean(),
    flagged: z.boolean(),
    decision: z.enum(DECISIONS).nullable(),
    submittedAt: z.string().nullable(),
  })
  .register(API_REGISTRY, { id: "RankingRow" });

export const ApiRankingPage = z
  .object({
    call: z.string(),
    score: z.enum(["raw", "calibrated"]),
    sort: z.enum(SORT_COLUMNS),
    dir: z.enum(["asc", "desc"]),
    total: z.int().meta({ description: "Rows matching the filters." }),
    callTotal: z.int().meta({ description: "Ranked proposals of the call the token may see." }),
    withheld: z.int().meta({
      description:
        "Proposals withheld by the token user's declared conflicts (never which): left out before ranking.",
    }),
    data: z.array(ApiRankingRow),
    nextCursor: z.string().nullable(),
  })
  .register(API_REGISTRY, { id: "RankingPage" });

export const ApiProposalSummary = z
  .object({
    id: z.int(),
    reference: z.string().nullable(),
    call: z.string(),
    title: z.string().nullable(),
    companyEn: z.string().nullable(),
    companyZh: z.string().nullable(),
    tracks: z.array(z.string()),
    status: z.enum(PROPOSAL_STATUSES),
    submittedAt: z.string().nullable(),
    decision: z.enum(DECISIONS).nullable(),
  })
  .register(API_REGISTRY, { id: "ProposalSummary" });

export const ApiOwnProposal = z
  .object({
    id: z.int(),
    reference: z.string().nullable(),
    call: z.string(),
    title: z.string().nullable(),
    status: z.enum(PROPOSAL_STATUSES),
    submittedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .register(API_REGISTRY, { id: "OwnProposal" });

export const ApiOwnProposalPage = z
  .object({
    data: z.array(ApiOwnProposal),
    nextCursor: z.string().nullable(),
  })
  .register(API_REGISTRY, { id: "OwnProposalPage" });

/** RFC 9457 problem details, with the invalid parameters where there are some. */
export const ApiProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ parameter: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "Each invalid query parameter and why." }),
  })
  .register(API_REGISTRY, { id: "Problem" });
