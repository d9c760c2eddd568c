import * as z from "zod/mini";
import { TRACKS, COLLABORATION_MODELS, SITES, MAX_USE_CASES } from "./options";
import { msg } from "~/utils/form";
import {
  always,
  choice,
  decimalCheck,
  field,
  issue,
  loose,
  looseRows,
  multi,
  need,
  textCheck,
} from "./fields";

export const projectSchema = z
  .object({
    title: field(textCheck({ min: 5, max: 200 })),
    tracks: multi(TRACKS, 1),
    collaborationModel: choice(COLLABORATION_MODELS),
    collaborationOther: loose(),
    summary: field(textCheck({ min: 100, max: 3000 })),
    site: choice(SITES),
    siteReference: loose(),
    itLoadMwPhase1: loose(),
    itLoadMwFinal: loose(),
    gridMw: loose(),
    renewablePct: loose(),
    designPue: loose(),
    bigDataUseCases: looseRows(["title", "beneficiary", "kpi"] as const),
  })
  .check(
    z.superRefine((d, ctx) => {
      if (d.collaborationModel === "other")
        need(ctx, ["collaborationOther"], d.collaborationOther, textCheck({ max: 200 }));
      if (d.site === "cdaSite")
        need(ctx, ["siteReference"], d.siteReference, textCheck({ max: 100 }));
      const tracks: readonly string[] = Array.isArray(d.tracks) ? d.tracks : [];
      if (tracks.includes("tier4DataCentre")) {
        const mw = decimalCheck({ min: 0.5, max: 500 });
        const p1 = need(ctx, ["itLoadMwPhase1"], d.itLoadMwPhase1, mw);
        const fin = need(ctx, ["itLoadMwFinal"], d.itLoadMwFinal, mw);
        if (p1 && fin && Number(d.itLoadMwFinal) < Number(d.itLoadMwPhase1))
          issue(ctx, ["itLoadMwFinal"], msg("proposal.err.finalBelowPhase1"));
        need(ctx, ["gridMw"], d.gridMw, decimalCheck({ min: 0, max: 5000, minExclusive: true }));
        need(ctx, ["renewablePct"], d.renewablePct, decimalCheck({ min: 0, max: 100 }));
        need(ctx, ["designPue"], d.designPue, decimalCheck({ min: 1, max: 2 }));
      }
      if (tracks.includes("bigDataPlatform")) {
        const rows = d.bigDataUseCases ?? [];
        if (rows.length === 0)
          issue(ctx, ["bigDataUseCases", 0, "title"], msg("proposal.err.useCasesMin"));
        if (rows.length > MAX_USE_CASES)
          issue(
            ctx,
            ["bigDataUseCases", MAX_USE_CASES, "title"],
            msg("proposal.err.rowsMax", { max: MAX_USE_CASES }),
          );
        rows.slice(0, MAX_USE_CASES).forEach((r, i) => {
          need(ctx, ["bigDataUseCases", i, "title"], r.title, textCheck({ max: 200 }));
          need(ctx, ["bigDataUseCases", i, "beneficiary"], r.beneficiary, textCheck({ max: 200 }));
          need(ctx, ["bigDataUseCases", i, "kpi"], r.kpi, textCheck({ max: 500 }));
        });
      }
    }, always),
  );

export type ProjectAnswers = z.infer<typeof projectSchema>;

export { TRACKS, COLLABORATION_MODELS, SITES, MAX_USE_CASES };
