// GET /calls/:slug/ocds.json — the call's Open Contracting (OCDS 1.1) release package: every
// release published for it, oldest first, as stored (docs/decisions/0020). Public; 404 until the
// call has published a release (it opened after migration 0022, or its decisions were published).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { callReleasePackage } from "~/models/open-data.server";
import { getDb } from "~/services/db.server";
import { jsonWithEtag } from "~/services/json-etag.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const pkg = await callReleasePackage(getDb(), params.slug ?? "");
  if (!pkg) throw new Response("Not Found", { status: 404 });
  return jsonWithEtag(request, pkg);
}
