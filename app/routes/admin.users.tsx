import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { Role } from "~db/schema";
import { ErrorSummary, TextField } from "~/components/form";
import {
  changeStaffRole,
  inviteStaff,
  listUsers,
  setUserDisabled,
  type AdminChangeResult,
} from "~/models/users.server";
import { InviteSchema, orderErrors, parseForm, STAFF_INVITE_ROLES, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { sendMail } from "~/services/mail.server";
import { publicUrl } from "~/services/env.server";
import { requireRole } from "~/models/access.server";
import { removeSecondFactor } from "~/models/second-factor.server";
import { formatDateTime } from "~/utils/dates";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";
import { readForm } from "~/services/form-body.server";

// Admins only: the list of accounts, staff invitations, roles, disabling. English only.

const ROLE_LABEL: Record<Role, string> = {
  applicant: "Applicant",
  reviewer: "Reviewer",
  official: "Official",
  admin: "Administrator",
};
const STATUS_LABEL = {
  active: "Active",
  unverified: "Email not confirmed",
  invited: "Invited",
  disabled: "Disabled",
} as const;
const STATUS_TAG = {
  active: "tag--green",
  unverified: "tag--yellow",
  invited: "tag--grey",
  disabled: "tag--red",
} as const;

export const meta: MetaFunction = () => [
  { title: "Users and staff – CDA Investment Proposal Portal" },
];

function isRole(value: unknown): value is Role {
  return typeof value === "string" && value in ROLE_LABEL;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const me = await requireRole(request, ["admin"], db);
  const url = new URL(request.url);
  const roleParam = url.searchParams.get("role");
  const role = isRole(roleParam) ? roleParam : undefined;
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const users = await listUsers(db, { role, q: q || undefined, limit: 500 });
  return data({ meId: me.id, users, filter: { role: role ?? "", q } });
}

interface ActionData {
  notice?: string;
  problem?: string;
  errors?: FieldErrors;
  values?: { email: string; displayName: string; role: string };
}

const REFUSALS: Record<Exclude<AdminChangeResult, { ok: true }>["reason"], string> = {
  not_found: "That account no longer exists.",
  self: "You cannot change your own account here. Ask another administrator.",
  not_staff:
    "Applicants' roles cannot be changed. Invite the person as staff with another email address.",
  unchanged: "Nothing changed: the account is already like that.",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const me = await requireRole(request, ["admin"], db);
  const ctx = {
    actorId: me.id,
    actorEmail: me.email,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  };
  const form = await readForm(request);
  const intent = str(form.get("intent"));

  if (intent === "invite") {
    const values = {
      email: normaliseInput(str(form.get("email"))),
      displayName: normaliseInput(str(form.get("displayName"))),
      role: str(form.get("role")),
    };
    const parsed = parseForm(InviteSchema, values);
    if (!parsed.ok) {
      return data<ActionData>(
        { errors: orderErrors(parsed.errors, ["email", "displayName", "role"]), values },
        { status: 400 },
      );
    }
    const result = await inviteStaff(db, parsed.data, ctx);
    if (result.status === "exists") {
      return data<ActionData>(
        { errors: { email: msg("auth.error.emailTaken") }, values },
        { status: 400 },
      );
    }
    await sendMail(db, {
      to: result.user.email,
      template: "staff_invite",
      locale: "en",
      vars: {
        name: result.user.display_name,
        role: ROLE_LABEL[result.user.role].toLowerCase(),
        invitedBy: me.display_name,
        link: publicUrl(`/accept-invite?token=${result.token}`),
      },
    });
    return data<ActionData>({
      notice: `Invitation sent to ${result.user.email} (${ROLE_LABEL[result.user.role]}). The link works for 7 days.`,
    });
  }

  const userId = Number(form.get("userId"));
  if (!Number.isSafeInteger(userId) || userId <= 0) {
    return data<ActionData>({ problem: "Choose an account." }, { status: 400 });
  }
  let result: AdminChangeResult;
  let done: string;
  if (intent === "disable" || intent === "enable") {
    result = await setUserDisabled(db, userId, intent === "disable", ctx);
    done = intent === "disable" ? "disabled; its sessions have ended" : "re-enabled";
  } else if (intent === "role") {
    const role = str(form.get("role"));
    if (!(STAFF_INVITE_ROLES as readonly string[]).includes(role)) {
      return data<ActionData>({ problem: "Select a staff role." }, { status: 400 });
    }
    result = await changeStaffRole(db, userId, role as (typeof STAFF_INVITE_ROLES)[number], ctx);
    done = `now ${ROLE_LABEL[role as Role].toLowerCase()}`;
  } else if (intent === "reset-2fa") {
    // Someone who lost their phone and their recovery codes: their second factor goes and their
    // sessions end; at the next sign-in they enrol again if their role requires it.
    if (userId === me.id) return data<ActionData>({ problem: REFUSALS.self }, { status: 400 });
    const reset = await removeSecondFactor(db, userId, ctx, "admin");
    if (!reset.ok) {
      return data<ActionData>(
        {
          problem:
            reset.reason === "not_found"
              ? REFUSALS.not_found
              : "That account has no two-step verification to reset.",
        },
        { status: reset.reason === "not_found" ? 404 : 400 },
      );
    }
    return data<ActionData>({
      notice: "Two-step verification was reset; that person's sessions have ended.",
    });
  } else {
    return data<ActionData>({ problem: "Unknown action." }, { status: 400 });
  }
  if (!result.ok) {
    return data<ActionData>(
      { problem: REFUSALS[result.reason] },
      { status: result.reason === "not_found" ? 404 : 400 },
    );
  }
  return data<ActionData>({ notice: `${result.user.email} is ${done}.` });
}

export default function AdminUsers() {
  const { meId, users, filter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const errors = actionData?.errors;
  return (
    <div lang="en">
      <ErrorSummary errors={errors} />
      {actionData?.problem ? (
        <div className="error-summary" role="alert">
          <h2 id="problem-title">There is a problem</h2>
          <p>{actionData.problem}</p>
        </div>
      ) : null}
      {actionData?.notice ? (
        <div className="notice notice--success" role="status">
          <p>{actionData.notice}</p>
        </div>
      ) : null}
      <p>
        <a href="/admin">Administration</a>
      </p>
      <h1>Users and staff</h1>

      <h2>Invite a member of staff</h2>
      <p>
        The invitation email carries a link, valid for 7 days, where the person sets their name and
        password. Applicants register themselves.
      </p>
      <Form method="post" noValidate key={actionData?.notice ?? "invite"}>
        <input type="hidden" name="intent" value="invite" />
        <TextField
          name="email"
          type="email"
          label="Email address"
          autoComplete="off"
          spellCheck={false}
          defaultValue={errors ? actionData?.values?.email : undefined}
          error={errors?.email}
        />
        <TextField
          name="displayName"
          label="Full name"
          autoComplete="off"
          spellCheck={false}
          defaultValue={errors ? actionData?.values?.displayName : undefined}
          error={errors?.displayName}
        />
        <div className={`form-group ${errors?.role ? "form-group--error" : ""}`}>
          <label className="label" htmlFor="f-role">
            Role
          </label>
          {errors?.role ? (
            <p className="error-message" id="f-role-error">
              <span className="visually-hidden">Error: </span>Select a role
            </p>
          ) : null}
          <select
            className="select"
            id="f-role"
            name="role"
            defaultValue={(errors && actionData?.values?.role) || "reviewer"}
            aria-describedby={errors?.role ? "f-role-error" : undefined}
          >
            {STAFF_INVITE_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Send invitation
        </button>
      </Form>

      <h2>Accounts</h2>
      <Form method="get" className="filters">
        <div className="form-group">
          <label className="label" htmlFor="filter-role">
            Role
          </label>
          <select className="select" id="filter-role" name="role" defaultValue={filter.role}>
            <option value="">All roles</option>
            {(Object.keys(ROLE_LABEL) as Role[]).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label className="label" htmlFor="filter-q">
            Name or email contains
          </label>
          <input className="input" id="filter-q" name="q" type="search" defaultValue={filter.q} />
        </div>
        <button type="submit" className="button button--secondary">
          Filter
        </button>
      </Form>
      <div className="table-wrap">
        <table>
          <caption>
            {users.length} {users.length === 1 ? "account" : "accounts"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.display_name}</td>
                <td>{u.email}</td>
                <td>{ROLE_LABEL[u.role]}</td>
                <td>
                  <span className={`tag ${STATUS_TAG[u.status]}`}>{STATUS_LABEL[u.status]}</span>
                </td>
                <td>{formatDateTime(u.created_at, "en")}</td>
                <td>
                  {u.id === meId ? (
                    <span className="secondary">This is you</span>
                  ) : (
                    <div className="row-actions">
                      {u.role !== "applicant" ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="role" />
                          <input type="hidden" name="userId" value={u.id} />
                          <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                            Role of {u.email}
                          </label>
                          <select
                            className="select"
                            id={`role-${u.id}`}
                            name="role"
                            defaultValue={u.role}
                          >
                            {STAFF_INVITE_ROLES.map((r) => (
                              <option key={r} value={r}>
                                {ROLE_LABEL[r]}
                              </option>
                            ))}
                          </select>{" "}
                          <button type="submit" className="button button--secondary">
                            Change role<span className="visually-hidden"> of {u.email}</span>
                          </button>
                        </Form>
                      ) : null}
                      {u.totp_enabled_at ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="reset-2fa" />
                          <input type="hidden" name="userId" value={u.id} />
                          <button type="submit" className="button button--secondary">
                            Reset two-step verification
                            <span className="visually-hidden"> of {u.email}</span>
                          </button>
                        </Form>
                      ) : null}
                      <Form method="post" className="inline-form">
                        <input
                          type="hidden"
                          name="intent"
                          value={u.status === "disabled" ? "enable" : "disable"}
                        />
                        <input type="hidden" name="userId" value={u.id} />
                        <button
                          type="submit"
                          className={`button ${u.status === "disabled" ? "button--secondary" : "button--warning"}`}
                        >
                          {u.status === "disabled" ? "Re-enable" : "Disable"}
                          <span className="visually-hidden"> {u.email}</span>
                        </button>
                      </Form>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
