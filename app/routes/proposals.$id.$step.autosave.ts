// POST /proposals/:id/:step/autosave: a step's answers saved as the applicant types (the step
// page's script posts here a moment after typing stops; see components/draft-autosave.tsx). It
// stores what the page holds, valid or not, as the step's draft; a section that was complete stays
// complete only while its answers still pass the strict check. The page sends the step's revision
// it holds: a page that is behind another tab's save is refused (409 "conflict"), never written
// over. Answers JSON, so that the page stays as it is whatever happens (no error page on a
// failed save). No loader: a GET saves nothing.
import type { ActionFunctionArgs } from "@remix-run/node";
import { actorFrom } from "~/domain/command";
import {
  draftEditable,
  getOwnedProposal,
  loadAnswers,
  ProposalError,
  saveStepAnswers,
} from "~/models/proposals.server";
import { isQuestionStep, parseStep, prepareInput, type Answers } from "~/schemas";
import { requireRole } from "~/models/access.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { formDataToObject } from "~/utils/form";

export type AutosaveResult =
  { autosave: "saved"; revision: string } | { autosave: "conflict" | "refused" };

const answer = (body: AutosaveResult, status = 200) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const step = params.step;
  if (!isQuestionStep(step)) throw new Response("Not found", { status: 404 });
  const db = getDb();
  const proposal = await getOwnedProposal(db, Number(params.id), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  if (draftEditable(proposal)) return answer({ autosave: "refused" }, 409);

  const form = await readForm(request);
  const input = prepareInput(step, formDataToObject(form));
  const expectRevision = form.has("revision") ? String(form.get("revision")) : undefined;
  const save = (data: Answers, complete: boolean) =>
    saveStepAnswers(db, {
      proposalId: proposal.id,
      ownerId: user.id,
      step,
      data,
      complete,
      // Typing moves nothing: the resume point stays where the buttons left it.
      lastStep: proposal.last_step ?? step,
      actor: actorFrom(user, context),
      expectRevision,
    });

  try {
    const wasComplete = (await loadAnswers(db, proposal.id))[step]?.complete === true;
    const parsed = parseStep(step, input);
    const { revision } =
      wasComplete && parsed.ok ? await save(parsed.data, true) : await save(input, false);
    return answer({ autosave: "saved", revision });
  } catch (error) {
    if (error instanceof ProposalError) {
      if (error.code === "staleRevision") return answer({ autosave: "conflict" }, 409);
      if (error.code === "notFound") throw new Response("Not found", { status: 404 });
      return answer({ autosave: "refused" }, 409);
    }
    throw error;
  }
}
