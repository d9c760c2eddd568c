// /api/openapi.json: the OpenAPI 3.1 document of the read-only API, generated from the zod
// schemas the routes validate their queries with and serialise their bodies through
// (app/schemas/api.ts; zod 4's toJSONSchema writes JSON Schema 2020-12, the dialect of OpenAPI
// 3.1). The operations listed here are the API's routes; the human page (/api) lists them too.
import { z } from "zod";
import type { ApiScope } from "~/domain/api";
import { PROBLEMS, TOKEN_PREFIX } from "~/domain/api";
import {
  API_REGISTRY,
  ApiCallPage,
  ApiCall,
  ApiCriteria,
  ApiOwnProposalPage,
  ApiProposalSummary,
  ApiRankingPage,
  CursorPageQuery,
  RankingQuery,
} from "./api";

export interface ApiOperation {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  scope: ApiScope;
  pathParams: { name: string; description: string; type: "string" | "integer" }[];
  query: z.ZodObject | null;
  response: z.ZodType;
  /** Answers with cursor pagination. */
  paged: boolean;
}

const slugParam = { name: "slug", description: "The call's slug.", type: "string" as const };

export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    path: "/api/v1/calls",
    operationId: "listCalls",
    summary: "Calls",
    description:
      "The calls the token may read, oldest first: every call for officials' tokens (drafts too), calls that are not drafts for applicants' tokens.",
    scope: "calls",
    pathParams: [],
    query: CursorPageQuery,
    response: ApiCallPage,
    paged: true,
  },
  {
    path: "/api/v1/calls/{slug}",
    operationId: "getCall",
    summary: "One call",
    description: "A call and its rules' parameters.",
    scope: "calls",
    pathParams: [slugParam],
    query: null,
    response: ApiCall,
    paged: false,
  },
  {
    path: "/api/v1/calls/{slug}/criteria",
    operationId: "getCriteria",
    summary: "A call's published criteria",
    description:
      "The latest published criteria version: scored criteria with weights, minimum levels and the six level descriptors, the gates, the tie-break order and the scoring rules' parameters. 404 until criteria are published.",
    scope: "criteria",
    pathParams: [slugParam],
    query: null,
    response: ApiCriteria,
    paged: false,
  },
  {
    path: "/api/v1/calls/{slug}/ranking",
    operationId: "getRanking",
    summary: "A call's ranking, as the board shows it",
    description:
      "The ranking board's rows with its filters and ordering (the same parameters as the board's URL). Ranks are positions in the whole call by the score in use; filters never renumber them. Proposals the token user's declared conflicts cover are left out before ranking and counted in `withheld`. A cursor belongs to one version of the ranking: if the ranking changes while it is walked, the next page answers 409 and the walk starts again.",
    scope: "ranking",
    pathParams: [slugParam],
    query: RankingQuery,
    response: ApiRankingPage,
    paged: true,
  },
  {
    path: "/api/v1/proposals/{id}",
    operationId: "getProposal",
    summary: "A proposal's summary and status",
    description:
      "For officials' tokens: reference, call, title, company, tracks, status and decision of a submitted proposal. 404 for a draft, for a proposal outside the token's calls and for one the token user's declared conflict covers.",
    scope: "proposals",
    pathParams: [{ name: "id", description: "The proposal's id.", type: "integer" }],
    query: null,
    response: ApiProposalSummary,
    paged: false,
  },
  {
    path: "/api/v1/me/proposals",
    operationId: "listOwnProposals",
    summary: "The token user's own proposals",
    description:
      "For an applicant's personal token: their proposals (drafts too), newest first, with status and reference.",
    scope: "own-proposals",
    pathParams: [],
    query: CursorPageQuery,
    response: ApiOwnProposalPage,
    paged: true,
  },
];

function strip(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function idOf(schema: z.ZodType): string {
  const id = API_REGISTRY.get(schema)?.id;
  if (!id) throw new Error("an API response schema must be registered in API_REGISTRY");
  return id;
}

function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: ref("Problem") } } };
}

const RATE_HEADERS = {
  "RateLimit-Limit": {
    description: "Requests the token may make per minute.",
    schema: { type: "integer" },
  },
  "RateLimit-Remaining": {
    description: "Requests left in the current window.",
    schema: { type: "integer" },
  },
};

/** The OpenAPI 3.1 document. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const generated = z.toJSONSchema(API_REGISTRY, {
    uri: (id) => `#/components/schemas/${id}`,
    io: "output",
    target: "draft-2020-12",
  });
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, s]) => [id, strip(s as Record<string, unknown>)]),
  );
  const paths: Record<string, unknown> = {};
  for (const op of API_OPERATIONS) {
    const parameters = [
      ...op.pathParams.map((p) => ({
        name: p.name,
        in: "path",
        required: true,
        description: p.description,
        schema: { type: p.type },
      })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, field]) => {
        const schema = strip(
          z.toJSONSchema(field as z.ZodType, { io: "input", target: "draft-2020-12" }) as Record<
            string,
            unknown
          >,
        );
        const { description, ...rest } = schema;
        return {
          name,
          in: "query",
          required: false,
          ...(typeof description === "string" ? { description } : {}),
          schema: rest,
        };
      }),
      {
        name: "If-None-Match",
        in: "header",
        required: false,
        description: "An ETag this client holds: 304 when the answer is unchanged.",
        schema: { type: "string" },
      },
    ];
    paths[op.path] = {
      get: {
        operationId: op.operationId,
        summary: op.summary,
        description: op.description,
        tags: [op.scope],
        security: [{ bearerToken: [op.scope] }],
        parameters,
        responses: {
          "200": {
            description: "OK",
            headers: {
              ETag: { description: "The answer's entity tag.", schema: { type: "string" } },
              ...RATE_HEADERS,
            },
            content: { "application/json": { schema: ref(idOf(op.response)) } },
          },
          "304": { description: "Not modified (If-None-Match matched the ETag)." },
          ...(op.query ? { "400": problemResponse(PROBLEMS.invalidRequest.title) } : {}),
          "401": problemResponse(
            `${PROBLEMS.unauthorized.title}, or ${PROBLEMS.invalidToken.title.toLowerCase()} (unknown, expired or revoked).`,
          ),
          "403": problemResponse(PROBLEMS.insufficientScope.title),
          "404": problemResponse(PROBLEMS.notFound.title),
          ...(op.scope === "ranking" ? { "409": problemResponse(PROBLEMS.staleCursor.title) } : {}),
          "429": {
            ...problemResponse(PROBLEMS.rateLimited.title),
            headers: {
              "Retry-After": {
                description: "Seconds to wait before the next request.",
                schema: { type: "integer" },
              },
            },
          },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "CDA Investment Proposal Portal API",
      version: "1.0.0",
      description:
        "Read-only access to calls, published criteria, rankings and proposals. Every request carries `Authorization: Bearer <token>`; cookies are never accepted. Tokens are issued by administrators (integrations) at /admin/api-tokens and by applicants (their own proposals) at /account/api-tokens. Errors are RFC 9457 problem details.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: serverUrl }],
    tags: [...new Set(API_OPERATIONS.map((o) => o.scope))].map((name) => ({
      name,
      description: `Needs the \`${name}\` scope.`,
    })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: `A token issued at /admin/api-tokens or /account/api-tokens: \`${TOKEN_PREFIX}\` followed by 43 characters.`,
        },
      },
    },
  };
}
