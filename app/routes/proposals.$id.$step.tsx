// One question step of a proposal: /proposals/:id/<step>. GOV.UK question page with "Save and
// continue" (strict check) and "Save as draft" (keeps whatever was typed). Works as a plain form
// post; when JavaScript runs, react-hook-form checks the answers in the browser first with the same
// zod schema (zodResolver), and only then lets the post go with the button that was pressed.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useForm } from "react-hook-form";
import { useDraftAutosave } from "~/components/draft-autosave";
import { ErrorSummary } from "~/components/form";
import { applyRowIntent } from "~/components/repeating-rows";
import { STEP_COMPONENTS } from "~/components/steps";
import { countryOptions } from "~/components/steps/organisation";
import { useHydrated } from "~/components/steps/shared";
import {
  applicableQuestionSteps,
  endsApplication,
  nextStepAfter,
  previousStepBefore,
  stepApplies,
} from "~/domain/proposal-steps";
import { getTranslator } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { actorFrom } from "~/domain/command";
import { getLatestRate } from "~/models/exchange-rates.server";
import {
  draftEditable,
  getOwnedProposal,
  loadAnswers,
  ProposalError,
  saveStepAnswers,
  stepRevision,
} from "~/models/proposals.server";
import {
  isQuestionStep,
  parseStep,
  prepareInput,
  REPEATING,
  type Answers,
  type QuestionStepId,
} from "~/schemas";
import { usccStatus } from "~/schemas/organisation";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { formDataToObject, msg, type FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";
import { flattenErrors, stepResolver } from "~/utils/step-form";

const MAX_ROWS = 10;

function notFound(): never {
  throw new Response("Not found", { status: 404 });
}

async function loadContext(request: Request, params: { id?: string; step?: string }) {
  const user = await requireRole(request, ["applicant"]);
  const step = params.step;
  if (!isQuestionStep(step)) notFound();
  const db = getDb();
  const proposal = await getOwnedProposal(db, Number(params.id), user.id);
  if (!proposal) notFound();
  return { user, step, db, proposal };
}

function returnToCheck(url: URL | FormData): boolean {
  const v = url instanceof URL ? url.searchParams.get("returnTo") : url.get("returnTo");
  return v === "check";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, step, db, proposal } = await loadContext(request, params);
  if (proposal.status !== "draft") throw redirect(`/proposals/${proposal.id}`);
  const answers = await loadAnswers(db, proposal.id);
  const values: Answers = { ...(answers[step]?.data ?? {}) };
  if (step === "organisation" && !values.country) values.country = "CN";
  if (step === "contact" && !answers.contact) {
    values.preferredLanguage = user.locale;
    values.email = user.email;
  }
  const url = new URL(request.url);
  const applies = stepApplies(step, answers);
  const revision = await stepRevision(db, proposal.id, step);
  // After a "Save and continue" that failed, the page is shown again from the draft it saved,
  // marked with the same errors (so a reload, too, shows what is wrong).
  const errors: FieldErrors =
    url.searchParams.get("invalid") === "1" && answers[step] && !answers[step].complete
      ? (await strictCheck(db, step, values)).errors
      : {};
  return {
    proposalId: proposal.id,
    step,
    values,
    errors,
    revision,
    // Each step's page is its own form: a new step (or a new save of one) starts afresh, with
    // none of the previous page's error state.
    formKey: `loaded:${step}:${revision}:${Object.keys(errors).length}`,
    applies,
    blocked: draftEditable(proposal),
    notEligible: step !== "eligibility" && endsApplication(answers),
    returnTo: returnToCheck(url) ? "check" : null,
    stepNumber: applicableQuestionSteps(answers).indexOf(step) + 1,
    stepTotal: applicableQuestionSteps(answers).length,
    back: returnToCheck(url)
      ? `/proposals/${proposal.id}/check`
      : (() => {
          const prev = previousStepBefore(step, answers);
          return prev ? `/proposals/${proposal.id}/${prev}` : `/proposals/${proposal.id}`;
        })(),
    usccStatus: step === "organisation" ? usccStatus(values) : null,
    countries:
      step === "organisation" || step === "eligibility"
        ? countryOptions(localeFromRequest(request)).map((o) => ({
            value: o.value,
            label: String(o.label),
          }))
        : null,
  };
}

type ActionData = { values: Answers; errors: FieldErrors; formKey: string; revision: string };

/** The strict check of "Save and continue": the schema, then facts the schema cannot know. */
async function strictCheck(db: ReturnType<typeof getDb>, step: QuestionStepId, input: Answers) {
  const result = parseStep(step, input);
  const errors: FieldErrors = result.ok ? {} : { ...result.errors };
  if (step === "investment" && result.ok) {
    const currency = (input.capex as { currency?: string } | undefined)?.currency;
    if (currency === "PKR" || currency === "CNY") {
      if (!(await getLatestRate(db, currency)))
        errors["capex.currency"] = msg("proposal.err.noRate", { currency });
    }
  }
  return { result, errors };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, step, db, proposal } = await loadContext(request, params);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const raw = formDataToObject(form);
  const input = prepareInput(step, raw);
  const actor = actorFrom(user, context);
  // The revision the page was shown: a save from a page that is behind (another tab saved this
  // step since) is refused, never silently written over the other tab's answers.
  const expectRevision = form.has("revision") ? String(form.get("revision")) : undefined;
  const formKey = `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const current = () => stepRevision(db, proposal.id, step);
  const answer = async (values: Answers, errors: FieldErrors, status = 200, revision?: string) =>
    data<ActionData>(
      { values, errors, formKey, revision: revision ?? (await current()) },
      { status },
    );
  const refuse = (code: string, status: number) =>
    answer(
      input,
      {
        _form: msg(
          code === "deadlinePassed" ? "proposal.err.deadlinePassed" : "proposal.err.notEditable",
        ),
      },
      status,
    );

  const blocked = draftEditable(proposal);
  if (blocked) return refuse(blocked, blocked === "deadlinePassed" ? 403 : 409);

  const save = async (values: Answers, complete: boolean, lastStep: string) =>
    saveStepAnswers(db, {
      proposalId: proposal.id,
      ownerId: user.id,
      step,
      data: values,
      complete,
      lastStep,
      actor,
      expectRevision,
    });

  try {
    // "Add another" / "Remove": keep what was typed (as a draft) and show the rows changed.
    if (intent.startsWith("add:") || intent.startsWith("remove:")) {
      const shown = applyRowIntent(
        intent,
        prepareInput(step, raw, { keepBlankRows: true }),
        REPEATING[step] ?? [],
        MAX_ROWS,
      );
      if (!shown) return answer(input, {}, 400);
      const { revision } = await save(prepareInput(step, shown), false, step);
      return answer(shown, {}, 200, revision);
    }

    if (intent === "draft") {
      await save(input, false, step);
      return redirect(`/proposals/${proposal.id}?saved=${step}`);
    }

    if (intent !== "continue") return answer(input, {}, 400);

    const { result, errors } = await strictCheck(db, step, input);
    if (!result.ok || Object.keys(errors).length) {
      // Nothing typed is lost: the answers are kept as a draft, invalid ones as typed, and the
      // page is shown again from the draft with its errors (a GET: reloading it asks nothing).
      await save(input, false, step);
      const again = new URLSearchParams({ invalid: "1" });
      if (returnToCheck(form)) again.set("returnTo", "check");
      return redirect(`/proposals/${proposal.id}/${step}?${again}`);
    }

    const answers = await loadAnswers(db, proposal.id);
    answers[step] = { data: result.data, complete: true };
    const next =
      step === "eligibility" && endsApplication(answers)
        ? "not-eligible"
        : returnToCheck(form)
          ? "check"
          : nextStepAfter(step, answers);
    await save(result.data, true, next === "not-eligible" ? step : next);
    return redirect(`/proposals/${proposal.id}/${next}`);
  } catch (error) {
    if (error instanceof ProposalError) {
      if (error.code === "staleRevision") {
        // Told, not overwritten: the page keeps what was typed and now carries the stored
        // revision, so pressing the button again replaces the other tab's answers on purpose.
        return answer(input, { _form: msg("proposal.err.changedElsewhere") }, 409);
      }
      if (error.code === "notFound") notFound();
      return refuse(error.code, error.code === "deadlinePassed" ? 403 : 409);
    }
    throw error;
  }
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as
    { locale?: "en" | "zh-Hans" } | undefined;
  const t = getTranslator(root?.locale ?? "en");
  if (!data) return [{ title: t("site.name") }];
  // A page shown with errors says so first in its title (GOV.UK: "Error: …").
  const prefix = Object.keys(data.errors).length ? `${t("common.errorPrefix")} ` : "";
  return [{ title: `${prefix}${t(`proposal.steps.${data.step}`)} – ${t("site.name")}` }];
};

export default function StepPage() {
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const enhanced = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);
  const step = loaded.step as QuestionStepId;
  const values = posted?.values ?? loaded.values;
  const formKey = posted?.formKey ?? loaded.formKey;
  const serverErrors = posted?.errors ?? loaded.errors;
  const revision = posted?.revision ?? loaded.revision;
  const submit = useSubmit();
  const revisionRef = useRef<HTMLInputElement>(null);
  const autosave = useDraftAutosave({
    formRef,
    revisionRef,
    formKey,
    revision,
    enabled: enhanced && !loaded.blocked && loaded.applies !== false && loaded.applies !== null,
  });

  // The schemas load after the page is usable (they are not needed before the first answer), so
  // a slow connection gets a working form sooner; until then the server checks alone.
  const [schemas, setSchemas] = useState<typeof import("~/schemas") | null>(null);
  useEffect(() => {
    let live = true;
    import("~/schemas").then((m) => live && setSchemas(m)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const rawInput = () =>
    formRef.current ? formDataToObject(new FormData(formRef.current)) : values;
  const currentInput = () => (schemas ? schemas.prepareInput(step, rawInput()) : rawInput());

  // react-hook-form is the browser's validation and error state. The inputs stay uncontrolled
  // with their posted names (the page must work as a plain post); the resolver is zodResolver
  // around this step's schema, fed with what the form would post (see ~/utils/step-form).
  const resolver = useMemo(
    () =>
      schemas
        ? stepResolver<Answers>(schemas.stepSchemas[step], () =>
            schemas.prepareInput(step, rawInput()),
          )
        : undefined,
    [schemas, step], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const { formState, handleSubmit, reset, setError, trigger } = useForm<Answers>({
    resolver,
    mode: "onTouched",
    defaultValues: values,
    shouldFocusError: false,
  });

  // Errors in the summary: the server's, or those of the last "Save and continue" in the browser,
  // kept with the form they were made on: they never follow the applicant to another step.
  const [clientSummary, setClientSummary] = useState<{ key: string; errors: FieldErrors } | null>(
    null,
  );
  const summaryErrors = clientSummary?.key === formKey ? clientSummary.errors : null;
  const setSummaryErrors = (errors: FieldErrors | null) =>
    setClientSummary(errors ? { key: formKey, errors } : null);
  // Which answers RHF's error state has been loaded with (the server's messages for them).
  const [syncedKey, setSyncedKey] = useState<string | null>(null);
  const [live, setLive] = useState<Answers>(values);
  useEffect(() => {
    setSummaryErrors(null);
    setLive(values);
    reset(values);
    for (const [name, message] of Object.entries(serverErrors)) {
      setError(name, { type: "server", message });
    }
    setSyncedKey(formKey);
  }, [formKey]); // eslint-disable-line react-hooks/exhaustive-deps

  // A new step opened in place (JavaScript moved on after "Save and continue"): focus goes to its
  // heading, as a new page's would start there, not on a button of the page before.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    headingRef.current?.focus();
  }, [step]);

  const ordered = (errors: unknown): FieldErrors => {
    const flat = flattenErrors(errors);
    return schemas ? schemas.orderErrors(step, flat) : flat;
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    // Only "Save and continue" is checked strictly; drafts, "Add another" and "Remove" post as
    // they are (Remix's <Form> sends them, with the pressed button's name and value).
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    // A save in flight goes first: the post then carries the revision that save returned.
    const send = () => (submitter ? submit(submitter) : submit(event.currentTarget));
    if (!submitter || submitter.value !== "continue" || !resolver) {
      if (!autosave.submitting(send)) event.preventDefault();
      return;
    }
    event.preventDefault();
    void handleSubmit(
      // Valid: post exactly what the form holds, with intent=continue from the pressed button.
      () => {
        if (autosave.submitting(send)) send();
      },
      (errors) => setSummaryErrors(ordered(errors)),
    )();
  }

  // A message that appears or disappears moves the page; while a mouse button or finger is down
  // (the blur came from a click elsewhere) wait until the click is over, or it would miss.
  const pointerDown = useRef(false);
  useEffect(() => {
    const down = () => (pointerDown.current = true);
    const up = () => setTimeout(() => (pointerDown.current = false), 0);
    window.addEventListener("pointerdown", down, true);
    window.addEventListener("pointerup", up, true);
    return () => {
      window.removeEventListener("pointerdown", down, true);
      window.removeEventListener("pointerup", up, true);
    };
  }, []);

  // "onTouched": leaving a field checks that field alone (its own message appears or goes).
  function onBlur(event: React.FocusEvent<HTMLFormElement>) {
    const target = event.target as unknown as HTMLInputElement;
    const name = target.name;
    if (!name || name === "intent" || target.type === "radio" || target.type === "checkbox") return;
    if (!resolver) return;
    const check = () => void trigger(name);
    if (pointerDown.current) {
      window.addEventListener("pointerup", () => setTimeout(check, 0), { once: true });
    } else check();
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    // Enter that confirms an input-method composition (pinyin, etc.) must not submit the form.
    if (event.key === "Enter" && (event.nativeEvent.isComposing || event.keyCode === 229)) {
      event.preventDefault();
    }
  }

  // Errors found in the browser mark the title too, as the server's page would.
  const shownErrors = summaryErrors ?? serverErrors;
  const hasErrors = Object.keys(shownErrors).length > 0;
  useEffect(() => {
    const base = document.title.replace(/^(Error: |错误：)/, "");
    document.title = hasErrors ? `${t("common.errorPrefix")} ${base}` : base;
  }, [hasErrors, formKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const Step = STEP_COMPONENTS[step];
  const errors = syncedKey === formKey ? ordered(formState.errors) : serverErrors;
  const title = t(`proposal.steps.${step}`);

  return (
    <>
      <a href={loaded.back} className="back-link">
        {t("common.back")}
      </a>
      <ErrorSummary errors={shownErrors} />
      {loaded.blocked ? (
        <div className="notice notice--warning" role="status">
          {t(
            loaded.blocked === "deadlinePassed"
              ? "proposal.task.deadlinePassed"
              : "proposal.view.readOnly",
          )}
        </div>
      ) : null}
      {loaded.notEligible ? (
        <div className="notice notice--warning">{t("proposal.task.notEligible")}</div>
      ) : null}
      {loaded.stepNumber > 0 ? (
        <span className="caption">
          {t("proposal.form.stepOf", { n: loaded.stepNumber, total: loaded.stepTotal })}
        </span>
      ) : null}
      <h1 ref={headingRef} tabIndex={-1}>
        {title}
      </h1>
      {loaded.applies === false ? (
        <>
          <p>{t("proposal.form.notNeeded")}</p>
          <p>
            <a href={`/proposals/${loaded.proposalId}`}>{t("proposal.form.backToTasks")}</a>
          </p>
        </>
      ) : loaded.applies === null ? (
        <>
          <p>{t("proposal.form.cannotStartResilience")}</p>
          <p>
            <a href={`/proposals/${loaded.proposalId}/project`}>{t("proposal.steps.project")}</a>
          </p>
        </>
      ) : (
        <Form
          method="post"
          noValidate
          ref={formRef}
          key={formKey}
          onSubmit={onSubmit}
          onBlur={onBlur}
          onKeyDown={onKeyDown}
          onChange={() => {
            setLive(currentInput());
            autosave.changed();
          }}
          className="step-form"
        >
          {/* The default button: Enter in a text field saves and continues (not "Add another"). */}
          <button type="submit" name="intent" value="continue" hidden tabIndex={-1}>
            {t("proposal.form.saveContinue")}
          </button>
          {loaded.returnTo ? <input type="hidden" name="returnTo" value="check" /> : null}
          <input type="hidden" name="revision" value={autosave.revision} ref={revisionRef} />
          <Step
            values={values}
            errors={errors}
            live={enhanced ? live : values}
            enhanced={enhanced}
            extra={{ usccStatus: loaded.usccStatus, countries: loaded.countries ?? undefined }}
          />
          <div className="button-group" hidden={!!loaded.blocked}>
            <button type="submit" name="intent" value="continue" className="button">
              {t("proposal.form.saveContinue")}
            </button>
            <button type="submit" name="intent" value="draft" className="button button--secondary">
              {t("proposal.form.saveDraft")}
            </button>
          </div>
          {autosave.status}
        </Form>
      )}
      <p>
        <a href={`/proposals/${loaded.proposalId}`}>{t("proposal.form.backToTasks")}</a>
      </p>
    </>
  );
}
