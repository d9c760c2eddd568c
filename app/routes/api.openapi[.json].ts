// GET /api/openapi.json — the API's OpenAPI 3.1 document, generated from the zod schemas the API
// validates and serialises with (app/schemas/api-openapi.ts). Public: it describes, it discloses
// nothing.
import { openApiDocument } from "~/schemas/api-openapi";
import { getEnv } from "~/services/env.server";

export function loader() {
  const doc = openApiDocument(new URL("/", getEnv().PUBLIC_BASE).href.replace(/\/$/, ""));
  return new Response(JSON.stringify(doc, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    },
  });
}
