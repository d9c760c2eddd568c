import { Choices, TextArea, TextField } from "~/components/form";
import { OTHER_STANDARDS, POWER_TOPOLOGIES, TIER_TARGETS } from "~/schemas/options";
import { useT } from "~/utils/use-t";
import { DateField, list, str, When, type StepProps } from "./shared";

export function ResilienceStep({ values, errors, live, enhanced }: StepProps) {
  const t = useT();
  return (
    <>
      <Choices
        name="tierTarget"
        label={t("proposal.f.tierTarget")}
        error={errors.tierTarget}
        defaultValue={str(values, "tierTarget")}
        options={TIER_TARGETS.map((v) => ({ value: v, label: t(`proposal.o.tierTarget.${v}`) }))}
      />
      <h2 className="h3">{t("proposal.f.certificationPlan")}</h2>
      <DateField
        name="certificationPlan.designDocumentsDate"
        label={t("proposal.f.certificationPlan.designDocumentsDate")}
        hint={t("proposal.h.date")}
        values={values}
        errors={errors}
      />
      <DateField
        name="certificationPlan.constructedFacilityDate"
        label={t("proposal.f.certificationPlan.constructedFacilityDate")}
        hint={t("proposal.h.date")}
        values={values}
        errors={errors}
      />
      <Choices
        name="powerTopology"
        label={t("proposal.f.powerTopology")}
        error={errors.powerTopology}
        defaultValue={str(values, "powerTopology")}
        options={POWER_TOPOLOGIES.map((v) => ({
          value: v,
          label: t(`proposal.o.powerTopology.${v}`),
        }))}
      />
      <When show={str(live, "powerTopology") === "other"} enhanced={enhanced}>
        <TextField
          name="powerTopologyOther"
          label={t("proposal.f.powerTopologyOther")}
          defaultValue={str(values, "powerTopologyOther")}
          error={errors.powerTopologyOther}
        />
      </When>
      <TextField
        name="onSiteFuelHours"
        label={t("proposal.f.onSiteFuelHours")}
        inputMode="numeric"
        className="input--short"
        defaultValue={str(values, "onSiteFuelHours")}
        error={errors.onSiteFuelHours}
      />
      <Choices
        name="compartmentalised"
        label={t("proposal.f.compartmentalised")}
        error={errors.compartmentalised}
        defaultValue={str(values, "compartmentalised")}
        options={[
          { value: "yes", label: t("proposal.form.yes") },
          { value: "no", label: t("proposal.form.no") },
        ]}
      />
      <h2 className="h3">{t("proposal.f.iso27001")}</h2>
      <p className="hint">{t("proposal.h.iso27001")}</p>
      <TextField
        name="iso27001.certificateNumber"
        label={t("proposal.f.iso27001.certificateNumber")}
        defaultValue={str(values, "iso27001.certificateNumber")}
        error={errors["iso27001.certificateNumber"]}
        spellCheck={false}
      />
      <TextField
        name="iso27001.issuingBody"
        label={t("proposal.f.iso27001.issuingBody")}
        defaultValue={str(values, "iso27001.issuingBody")}
        error={errors["iso27001.issuingBody"]}
      />
      <DateField
        name="iso27001.expiryDate"
        label={t("proposal.f.iso27001.expiryDate")}
        hint={t("proposal.h.date")}
        values={values}
        errors={errors}
      />
      <TextArea
        name="iso27001Plan"
        limit={{ max: 2000 }}
        label={t("proposal.f.iso27001Plan")}
        optional
        defaultValue={str(values, "iso27001Plan")}
        error={errors.iso27001Plan}
      />
      <Choices
        name="otherStandards"
        multiple
        optional
        label={t("proposal.f.otherStandards")}
        error={errors.otherStandards}
        defaultValue={list(values, "otherStandards")}
        options={OTHER_STANDARDS.map((v) => ({ value: v, label: v }))}
      />
    </>
  );
}
