import { Checkbox, Choices, TextArea } from "~/components/form";
import { DATA_CLASSES } from "~/schemas/options";
import { useT } from "~/utils/use-t";
import { list, str, type StepProps } from "./shared";

export function DataGovernanceStep({ values, errors }: StepProps) {
  const t = useT();
  return (
    <>
      <Choices
        name="dataClasses"
        multiple
        label={t("proposal.f.dataClasses")}
        hint={t("proposal.h.dataClasses")}
        error={errors.dataClasses}
        defaultValue={list(values, "dataClasses")}
        options={DATA_CLASSES.map((v) => ({ value: v, label: t(`proposal.o.dataClasses.${v}`) }))}
      />
      <Checkbox
        name="residencyCommitment"
        label={t("proposal.f.residencyCommitment")}
        error={errors.residencyCommitment}
        defaultChecked={str(values, "residencyCommitment") === "yes"}
      />
      <TextArea
        name="crossBorderDescription"
        limit={{ max: 3000 }}
        label={t("proposal.f.crossBorderDescription")}
        optional
        defaultValue={str(values, "crossBorderDescription")}
        error={errors.crossBorderDescription}
      />
      <Choices
        name="acceptsIndependentAudit"
        label={t("proposal.f.acceptsIndependentAudit")}
        error={errors.acceptsIndependentAudit}
        defaultValue={str(values, "acceptsIndependentAudit")}
        options={[
          { value: "yes", label: t("proposal.form.yes") },
          { value: "no", label: t("proposal.form.no") },
        ]}
      />
    </>
  );
}
