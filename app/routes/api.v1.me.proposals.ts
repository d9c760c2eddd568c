// GET /api/v1/me/proposals — the token user's own proposals (scope "own-proposals").
import { apiListOwnProposals, apiLoader } from "~/models/api.server";

export const loader = apiLoader("own-proposals", apiListOwnProposals);
