// GET /api/v1/calls/:slug/ranking — the ranking as the board shows it (scope "ranking").
import { apiGetRanking, apiLoader } from "~/models/api.server";

export const loader = apiLoader("ranking", apiGetRanking);
