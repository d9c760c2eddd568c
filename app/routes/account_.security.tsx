// Account security: two-step verification (set up, recovery codes, turn off), and the browsers
// the user is signed in on (end one, or all others). Someone whose role requires two-step
// verification and who has not set it up comes here straight after the password, on a staged
// session that opens nothing else; confirming the first code turns it into a full session.
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, TextField } from "~/components/form";
import { secondFactorOffered } from "~/domain/second-factor";
import {
  confirmTotpEnrolment,
  regenerateRecoveryCodes,
  removeSecondFactor,
  secondFactorStatus,
  SECOND_FACTOR_RULE,
  startTotpEnrolment,
  verifySecondFactor,
} from "~/models/second-factor.server";
import { endOtherSessions, endOwnSession, signIn, signOut } from "~/models/users.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { isRateLimited, recordAttempt } from "~/services/rate-limit.server";
import { getStagedUser, getUser, listSessions, type SessionUser } from "~/services/session.server";
import { groupSecret, totpQrDataUrl } from "~/services/totp.server";
import { formatDateTime } from "~/utils/dates";
import { msg, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useLocale, useT } from "~/utils/use-t";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "security.title");

const NO_STORE = { "Cache-Control": "no-store" };
export const headers: HeadersFunction = () => NO_STORE;

const PATH = "/account/security";

/** A full session, or the staged one that may only enrol; anyone else signs in first. */
async function currentUser(
  request: Request,
): Promise<{ user: SessionUser; mode: "full" | "enrol" }> {
  const db = getDb();
  const user = await getUser(request, db);
  if (user) return { user, mode: "full" };
  const staged = await getStagedUser(request, "enrol", db);
  if (staged) return { user: staged, mode: "enrol" };
  throw redirect(`/login?returnTo=${encodeURIComponent(PATH)}`);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const { user, mode } = await currentUser(request);
  const status = await secondFactorStatus(db, user.id);
  const pending =
    status.pendingSecret && !status.enabledAt
      ? {
          qr: await totpQrDataUrl(status.pendingSecret, user.email),
          secret: groupSecret(status.pendingSecret),
        }
      : null;
  return data(
    {
      mode,
      offered: secondFactorOffered(user.role),
      enabledAt: status.enabledAt,
      required: status.required,
      recoveryCodesLeft: status.recoveryCodesLeft,
      pending,
      sessions: mode === "full" ? await listSessions(db, user.id, request) : [],
    },
    { headers: NO_STORE },
  );
}

interface ActionData {
  intent: string;
  errors?: FieldErrors;
  recoveryCodes?: string[];
  done?: "enrolled" | "regenerated" | "disabled" | "ended" | "endedOthers";
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const { user, mode } = await currentUser(request);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const ctx = {
    actorId: user.id,
    actorEmail: user.email,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  };
  const reply = (body: ActionData, init?: ResponseInit) =>
    data<ActionData>(body, { ...init, headers: { ...NO_STORE, ...init?.headers } });
  const code = String(form.get("code") ?? "").slice(0, 64);
  const codeRequired = () =>
    reply({ intent, errors: { code: msg("security.error.codeRequired") } }, { status: 400 });

  const SECOND_FACTOR_INTENTS = ["start", "confirm", "regenerate", "disable"];
  if (SECOND_FACTOR_INTENTS.includes(intent) && !secondFactorOffered(user.role))
    return reply({ intent }, { status: 403 });

  if (intent === "start") {
    await startTotpEnrolment(db, user.id);
    return redirect(PATH, { headers: NO_STORE });
  }

  if (intent === "confirm") {
    if (!code.trim()) return codeRequired();
    const result = await confirmTotpEnrolment(db, user.id, code, ctx);
    if (!result.ok) {
      return reply(
        {
          intent,
          errors: {
            code: msg(
              result.reason === "no_pending"
                ? "security.error.noPending"
                : "security.error.codeWrong",
            ),
          },
        },
        { status: 400 },
      );
    }
    // Enrolment after the password was the last step: the staged session becomes a full one.
    const init =
      mode === "enrol"
        ? { headers: { "Set-Cookie": await signIn(db, user, { request, ...ctx }, "totp") } }
        : undefined;
    return reply({ intent, done: "enrolled", recoveryCodes: result.recoveryCodes }, init);
  }

  // Everything below needs a full session.
  if (mode !== "full") return reply({ intent }, { status: 403 });

  if (intent === "regenerate" || intent === "disable") {
    // Re-authentication for changes to the second factor itself: a current code.
    if (!code.trim()) return codeRequired();
    const key = String(user.id);
    if (await isRateLimited(db, SECOND_FACTOR_RULE, key))
      return reply({ intent, errors: { code: msg(SECOND_FACTOR_RULE.message) } }, { status: 429 });
    if (!(await verifySecondFactor(db, user, code, ctx))) {
      await recordAttempt(db, SECOND_FACTOR_RULE, key);
      return reply({ intent, errors: { code: msg("security.error.codeWrong") } }, { status: 400 });
    }
    if (intent === "regenerate") {
      const codes = await regenerateRecoveryCodes(db, user.id, ctx);
      return reply({ intent, done: "regenerated", recoveryCodes: codes ?? [] });
    }
    const removed = await removeSecondFactor(db, user.id, ctx, "self");
    if (!removed.ok)
      return reply(
        { intent, errors: { code: msg("security.totp.cannotDisable") } },
        { status: 400 },
      );
    return reply({ intent, done: "disabled" });
  }

  if (intent === "end-session") {
    const handle = String(form.get("session") ?? "");
    const own = (await listSessions(db, user.id, request)).find((s) => s.current);
    await endOwnSession(db, user.id, handle, ctx);
    if (own?.handle === handle) return redirect("/login");
    return reply({ intent, done: "ended" });
  }

  if (intent === "end-others") {
    await endOtherSessions(db, user.id, request, ctx);
    return reply({ intent, done: "endedOthers" });
  }

  if (intent === "end-all") {
    await endOtherSessions(db, user.id, request, ctx);
    const setCookie = await signOut(db, request, user, ctx);
    return redirect("/login", { headers: { "Set-Cookie": setCookie } });
  }

  return reply({ intent }, { status: 400 });
}

const DONE_KEY = {
  enrolled: "security.totp.enrolled",
  regenerated: "security.recovery.regenerated",
  disabled: "security.totp.disabled",
  ended: "security.sessions.ended",
  endedOthers: "security.sessions.endedOthers",
} as const;

function CodeField({ error, fresh = false }: { error?: string; fresh?: boolean }) {
  const t = useT();
  return (
    <TextField
      name="code"
      label={t(fresh ? "security.field.codeNew" : "security.field.code")}
      hint={t(fresh ? "security.field.codeNew.hint" : "security.field.code.hint")}
      autoComplete="one-time-code"
      inputMode={fresh ? "numeric" : "text"}
      spellCheck={false}
      error={error}
    />
  );
}

export default function AccountSecurity() {
  const t = useT();
  const locale = useLocale();
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const errorFor = (intent: string) =>
    actionData?.intent === intent ? actionData.errors?.code : undefined;
  const enrolledNow = actionData?.done === "enrolled";

  return (
    <>
      <ErrorSummary errors={actionData?.errors} />
      {actionData?.done ? (
        <div className="notice notice--success" role="status">
          <p>{t(DONE_KEY[actionData.done])}</p>
          {actionData.recoveryCodes?.length ? (
            <>
              <h2>{t("security.recovery.list")}</h2>
              <ul className="recovery-codes" lang="en">
                {actionData.recoveryCodes.map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      <h1>{t("security.title")}</h1>

      {page.offered ? (
        <section aria-labelledby="totp-heading">
          <h2 id="totp-heading">{t("security.totp.heading")}</h2>
          {page.mode === "enrol" && !enrolledNow ? (
            <div className="notice notice--warning" role="status">
              <p>{t("security.totp.mustEnrol")}</p>
            </div>
          ) : null}
          {page.enabledAt || enrolledNow ? (
            <p>
              {t("security.totp.on", {
                date: formatDateTime(page.enabledAt ?? new Date().toISOString(), locale),
              })}
            </p>
          ) : (
            <>
              <p>{t("security.totp.off")}</p>
              <p>{page.required ? t("security.totp.required") : t("security.totp.offered")}</p>
            </>
          )}

          {!page.enabledAt && !enrolledNow && page.pending ? (
            <>
              <p>{t("security.totp.scan")}</p>
              <img
                className="totp-qr"
                src={page.pending.qr}
                alt={t("security.totp.qrAlt")}
                width={200}
                height={200}
              />
              <p>
                {t("security.totp.secret")}:{" "}
                <code className="totp-secret" data-testid="totp-secret">
                  {page.pending.secret}
                </code>
              </p>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="confirm" />
                <CodeField fresh error={errorFor("confirm")} />
                <button type="submit" className="button">
                  {t("security.totp.confirm")}
                </button>
              </Form>
            </>
          ) : null}
          {!page.enabledAt && !enrolledNow && !page.pending ? (
            <Form method="post">
              <input type="hidden" name="intent" value="start" />
              <button type="submit" className="button">
                {t("security.totp.start")}
              </button>
            </Form>
          ) : null}

          {page.mode === "full" && page.enabledAt ? (
            <>
              <h3>{t("security.recovery.heading")}</h3>
              <p>{t("security.recovery.left", { n: page.recoveryCodesLeft })}</p>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="regenerate" />
                <CodeField error={errorFor("regenerate")} />
                <button type="submit" className="button button--secondary">
                  {t("security.recovery.regenerate")}
                </button>
              </Form>
              {page.required ? (
                <p className="hint">{t("security.totp.required")}</p>
              ) : (
                <Form method="post" noValidate>
                  <input type="hidden" name="intent" value="disable" />
                  <CodeField error={errorFor("disable")} />
                  <button type="submit" className="button button--warning">
                    {t("security.totp.disable")}
                  </button>
                </Form>
              )}
            </>
          ) : null}
        </section>
      ) : null}

      {page.mode === "enrol" && !enrolledNow ? (
        <Form method="post" action="/logout">
          <button type="submit" className="button button--secondary">
            {t("security.signOut")}
          </button>
        </Form>
      ) : null}

      {page.mode === "full" ? (
        <section aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">{t("security.sessions.heading")}</h2>
          <p className="hint">{t("security.sessions.hint")}</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("security.sessions.device")}</th>
                  <th scope="col">{t("security.sessions.created")}</th>
                  <th scope="col">{t("security.sessions.lastSeen")}</th>
                  <th scope="col">{t("security.sessions.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {page.sessions.map((s) => {
                  const device = s.device ?? t("security.sessions.unknownDevice");
                  return (
                    <tr key={s.handle}>
                      <td>
                        {device}
                        {s.current ? (
                          <>
                            {" "}
                            <span className="tag">{t("security.sessions.current")}</span>
                          </>
                        ) : null}
                      </td>
                      <td>{formatDateTime(s.createdAt, locale)}</td>
                      <td>{formatDateTime(s.lastSeenAt, locale)}</td>
                      <td>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="end-session" />
                          <input type="hidden" name="session" value={s.handle} />
                          <button
                            type="submit"
                            className="button button--secondary"
                            aria-label={t("security.sessions.endLabel", {
                              device,
                              date: formatDateTime(s.createdAt, locale),
                            })}
                          >
                            {t("security.sessions.end")}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Form method="post">
            <input type="hidden" name="intent" value="end-others" />
            <button type="submit" className="button button--warning">
              {t("security.sessions.endOthers")}
            </button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="end-all" />
            <button type="submit" className="button button--secondary">
              {t("security.sessions.endAll")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
