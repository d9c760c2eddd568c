// GET /api/v1/calls/:slug — one call (scope "calls").
import { apiGetCall, apiLoader } from "~/models/api.server";

export const loader = apiLoader("calls", apiGetCall);
