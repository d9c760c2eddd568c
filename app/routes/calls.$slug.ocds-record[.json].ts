// GET /calls/:slug/ocds-record.json — the call's OCDS 1.1 record package: one record holding every
// release published for the call and the compiled release (docs/decisions/0020). Public.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { callRecordPackage } from "~/models/open-data.server";
import { getDb } from "~/services/db.server";
import { jsonWithEtag } from "~/services/json-etag.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const pkg = await callRecordPackage(getDb(), params.slug ?? "");
  if (!pkg) throw new Response("Not Found", { status: 404 });
  return jsonWithEtag(request, pkg);
}
