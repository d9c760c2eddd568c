// GET /api/v1/calls — the calls the token may read (scope "calls"), cursor-paginated.
import { apiListCalls, apiLoader } from "~/models/api.server";

export const loader = apiLoader("calls", apiListCalls);
