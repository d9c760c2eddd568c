// The call settings fields (create and edit a call): bilingual title and description, opening and
// closing time in Pakistan time, the scoring rules. Staff page, English labels; plain HTML fields.
import { TextArea, TextField } from "~/components/form";
import type { FieldErrors } from "~/utils/form";

export interface CallFormValues {
  slug?: string;
  titleEn?: string;
  titleZh?: string;
  descriptionEn?: string;
  descriptionZh?: string;
  opensAt?: string;
  closesAt?: string;
  minReviews?: string;
  qualifyingScore?: string;
  disagreementSpread?: string;
  disagreementSd?: string;
  tieBreak?: string;
  contactEmail?: string;
}

/** A datetime-local input read as Pakistan time. */
export function PktDateTimeField({
  name,
  label,
  error,
  defaultValue,
  storedUtc,
}: {
  name: string;
  label: string;
  error?: string;
  defaultValue?: string;
  storedUtc?: string;
}) {
  return (
    <TextField
      name={name}
      type="datetime-local"
      className="input--datetime"
      label={label}
      hint={`Pakistan time (PKT, UTC+5), for example 2027-03-31T17:00.${storedUtc ? ` Stored as ${storedUtc} (UTC).` : ""}`}
      error={error}
      defaultValue={defaultValue}
    />
  );
}

export function CallSettingsFields({
  values,
  errors,
  isNew,
  scoredKeys,
  rulesFrozen,
  stored,
}: {
  values: CallFormValues;
  errors: FieldErrors;
  isNew: boolean;
  scoredKeys: string[];
  rulesFrozen: boolean;
  stored?: { opensAt: string; closesAt: string };
}) {
  return (
    <>
      {isNew ? (
        <TextField
          name="slug"
          label="Web address name"
          hint="Lower-case letters, digits and hyphens, like data-centres-2027. The call's page will be /calls/<name>. It cannot be changed later."
          error={errors.slug}
          defaultValue={values.slug}
          spellCheck={false}
        />
      ) : null}
      <fieldset>
        <legend className="h3">Title and description</legend>
        <TextField
          name="titleEn"
          label="Title (English)"
          error={errors.titleEn}
          defaultValue={values.titleEn}
        />
        <TextField
          name="titleZh"
          label="Title (Chinese)"
          error={errors.titleZh}
          defaultValue={values.titleZh}
        />
        <TextArea
          name="descriptionEn"
          label="Description (English)"
          optional
          error={errors.descriptionEn}
          defaultValue={values.descriptionEn}
        />
        <TextArea
          name="descriptionZh"
          label="Description (Chinese)"
          optional
          error={errors.descriptionZh}
          defaultValue={values.descriptionZh}
        />
      </fieldset>
      <fieldset>
        <legend className="h3">Dates</legend>
        <PktDateTimeField
          name="opensAt"
          label="Opens"
          error={errors.opensAt}
          defaultValue={values.opensAt}
          storedUtc={stored?.opensAt}
        />
        <PktDateTimeField
          name="closesAt"
          label="Closes (deadline for submissions)"
          error={errors.closesAt}
          defaultValue={values.closesAt}
          storedUtc={stored?.closesAt}
        />
        <TextField
          name="contactEmail"
          label="Contact email for questions about the call"
          type="email"
          error={errors.contactEmail}
          defaultValue={values.contactEmail}
          spellCheck={false}
        />
      </fieldset>
      <fieldset>
        <legend className="h3">Scoring rules</legend>
        {rulesFrozen ? (
          <div className="notice notice--warning">
            These rules were published with the criteria and can no longer change: a review of this
            call has been submitted, or the call is decided.
          </div>
        ) : null}
        <TextField
          name="minReviews"
          label="Minimum number of submitted reviews"
          hint="A proposal qualifies only with at least this many submitted reviews."
          error={errors.minReviews}
          defaultValue={values.minReviews}
          inputMode="numeric"
          className="input--short"
        />
        <TextField
          name="qualifyingScore"
          label="Qualifying score (0–100)"
          error={errors.qualifyingScore}
          defaultValue={values.qualifyingScore}
          inputMode="decimal"
          className="input--short"
        />
        <TextField
          name="disagreementSpread"
          label="Disagreement spread (levels)"
          hint="Flag a criterion when reviewers' levels differ by this much or more."
          error={errors.disagreementSpread}
          defaultValue={values.disagreementSpread}
          inputMode="numeric"
          className="input--short"
        />
        <TextField
          name="disagreementSd"
          label="Disagreement standard deviation (points)"
          hint="Flag a proposal when the standard deviation of reviewers' totals is above this."
          error={errors.disagreementSd}
          defaultValue={values.disagreementSd}
          inputMode="decimal"
          className="input--short"
        />
        <TextField
          name="tieBreak"
          label="Tie-break order"
          hint={`Keys of scored criteria, highest priority first, separated by commas. After them, earlier submission and then the reference break ties. Scored criteria: ${scoredKeys.join(", ") || "none yet"}.`}
          error={errors.tieBreak}
          defaultValue={values.tieBreak}
          spellCheck={false}
        />
      </fieldset>
    </>
  );
}
