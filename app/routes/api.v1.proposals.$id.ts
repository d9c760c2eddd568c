// GET /api/v1/proposals/:id — a proposal's summary and status for officials (scope "proposals").
import { apiGetProposal, apiLoader } from "~/models/api.server";

export const loader = apiLoader("proposals", apiGetProposal);
