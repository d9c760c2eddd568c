// A JSON document answered with a strong ETag (SHA-256 of its bytes) and If-None-Match honoured
// (304 without a body), for public data that clients poll: the OCDS packages (issue 17).
import { createHash } from "node:crypto";

/** Whether an If-None-Match header names the ETag (or is "*"). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === etag || t === "*");
}

export function jsonWithEtag(request: Request, value: unknown, maxAgeSeconds = 300): Response {
  const body = JSON.stringify(value, null, 2) + "\n";
  const etag = `"${createHash("sha256").update(body).digest("base64url")}"`;
  const headers = {
    ETag: etag,
    "Cache-Control": `public, max-age=${maxAgeSeconds}, must-revalidate`,
    "X-Content-Type-Options": "nosniff",
    Vary: "Accept-Encoding",
  };
  if (etagMatches(request.headers.get("If-None-Match"), etag))
    return new Response(null, { status: 304, headers });
  return new Response(body, {
    status: 200,
    headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
  });
}
