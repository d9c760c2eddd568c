import { sql } from "kysely";
import { getDb } from "~/services/db.server";

/** Liveness and a real database round trip, as JSON. 503 when the database does not answer. */
export async function loader() {
  const started = performance.now();
  try {
    const row = await sql<{ ok: number }>`select 1 as ok`.execute(getDb());
    const ok = row.rows[0]?.ok === 1;
    return Response.json(
      {
        status: ok ? "ok" : "error",
        database: ok ? "ok" : "error",
        ms: Math.round(performance.now() - started),
      },
      { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
    );
  } catch {
    return Response.json(
      { status: "error", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
