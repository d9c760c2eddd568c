// GET /api/v1/calls/:slug/criteria — the call's published criteria and rules (scope "criteria").
import { apiGetCriteria, apiLoader } from "~/models/api.server";

export const loader = apiLoader("criteria", apiGetCriteria);
