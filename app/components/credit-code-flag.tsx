// The credit-code (USCC) manual check on staff pages (the breakdown, the official's proposal
// page): the flag while it is pending, with the form that records the check, or the recorded check.
import { Form } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { TextArea } from "~/components/form";
import type { FieldErrors } from "~/utils/form";

/**
 * The credit-code manual check: the flag while it is pending (with the form that records the
 * check), or who checked it, when and what they found. Shared with the official's proposal page.
 */
export function CreditCodeFlag({
  check,
  canRecord,
  values,
  errors,
}: {
  check: {
    needsCheck: boolean;
    pending: boolean;
    uscc: string | null;
    checkedBy: string | null;
    checkedAt: string | null;
    note: string | null;
  };
  canRecord: boolean;
  values?: Record<string, unknown>;
  errors?: FieldErrors;
}) {
  if (!check.needsCheck) return null;
  if (!check.pending)
    return (
      <p className="credit-code-checked">
        <span className="tag tag--grey">Resolved</span> Credit code {check.uscc ?? ""} checked by
        hand by {check.checkedBy ?? "an official"},{" "}
        {check.checkedAt ? <DateTime iso={check.checkedAt} /> : null}: {check.note}
      </p>
    );
  return (
    <div className="credit-code-flag">
      <p>
        <span className="tag tag--yellow">Unresolved</span> Credit code needs a manual check: the
        Unified Social Credit Code {check.uscc ?? ""} fails its check character (the applicant was
        told the CDA would check it by hand).
      </p>
      {canRecord ? (
        <Form method="post" noValidate className="moderation-form">
          <input type="hidden" name="intent" value="creditCode" />
          <TextArea
            name="creditCodeNote"
            label="Result of the manual check"
            hint="What you checked (e.g. the national enterprise credit register) and what you found. Recorded in the audit log."
            defaultValue={typeof values?.creditCodeNote === "string" ? values.creditCodeNote : ""}
            error={errors?.creditCodeNote}
            rows={2}
          />
          <button type="submit" className="button button--secondary">
            Record the credit code check
          </button>
        </Form>
      ) : null}
    </div>
  );
}
