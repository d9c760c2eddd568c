// Any other address under /api/v1: a problem (404), never the portal's HTML page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { problemResponse } from "~/models/api.server";

export function loader(_args: LoaderFunctionArgs) {
  return problemResponse("notFound", "No such API resource.");
}
