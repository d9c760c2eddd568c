import { Checkbox, Choices, Select, TextField } from "~/components/form";
import { RepeatingRows } from "~/components/repeating-rows";
import { MAX_MEMBERS } from "~/schemas/options";
import { useT } from "~/utils/use-t";
import { rowCount, str, When, type StepProps } from "./shared";

export function EligibilityStep({ values, errors, live, enhanced, extra }: StepProps) {
  const t = useT();
  const countries = extra.countries ?? [];
  return (
    <>
      <Choices
        name="applicantType"
        label={t("proposal.f.applicantType")}
        error={errors.applicantType}
        defaultValue={str(values, "applicantType")}
        options={[
          { value: "company", label: t("proposal.o.applicantType.company") },
          { value: "consortium", label: t("proposal.o.applicantType.consortium") },
        ]}
      />
      <When show={str(live, "applicantType") === "consortium"} enhanced={enhanced}>
        <TextField
          name="leadMemberName"
          label={t("proposal.f.leadMemberName")}
          hint={enhanced ? undefined : t("proposal.o.applicantType.consortium")}
          defaultValue={str(values, "leadMemberName")}
          error={errors.leadMemberName}
        />
        <RepeatingRows
          name="members"
          legend={t("proposal.f.members")}
          rowLabel={t("proposal.f.member")}
          count={rowCount(values, "members")}
          max={MAX_MEMBERS}
        >
          {(i) => (
            <>
              <TextField
                name={`members[${i}].name`}
                label={t("proposal.f.members.name")}
                defaultValue={str(values, `members[${i}].name`)}
                error={errors[`members[${i}].name`]}
              />
              <Select
                name={`members[${i}].country`}
                label={t("proposal.f.members.country")}
                defaultValue={str(values, `members[${i}].country`)}
                error={errors[`members[${i}].country`]}
                options={countries}
              />
              <TextField
                name={`members[${i}].role`}
                label={t("proposal.f.members.role")}
                defaultValue={str(values, `members[${i}].role`)}
                error={errors[`members[${i}].role`]}
              />
            </>
          )}
        </RepeatingRows>
      </When>
      <Choices
        name="acceptsDataResidency"
        label={t("proposal.f.acceptsDataResidency")}
        hint={t("proposal.h.acceptsDataResidency")}
        error={errors.acceptsDataResidency}
        defaultValue={str(values, "acceptsDataResidency")}
        options={[
          { value: "yes", label: t("proposal.form.yes") },
          { value: "no", label: t("proposal.form.no") },
        ]}
      />
      <h2 className="h3">{t("proposal.f.declarations")}</h2>
      <Checkbox
        name="noDebarmentDeclaration"
        label={t("proposal.f.noDebarmentDeclaration")}
        error={errors.noDebarmentDeclaration}
        defaultChecked={str(values, "noDebarmentDeclaration") === "yes"}
      />
      <Checkbox
        name="sanctionsDeclaration"
        label={t("proposal.f.sanctionsDeclaration")}
        error={errors.sanctionsDeclaration}
        defaultChecked={str(values, "sanctionsDeclaration") === "yes"}
      />
    </>
  );
}
