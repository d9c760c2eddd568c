import { TextArea, TextField } from "~/components/form";
import { useT } from "~/utils/use-t";
import { str, type StepProps } from "./shared";

export function LocalBenefitStep({ values, errors }: StepProps) {
  const t = useT();
  const num = (name: string, label: string, mode: "numeric" | "decimal" = "numeric") => (
    <TextField
      name={name}
      label={label}
      inputMode={mode}
      className="input--short"
      defaultValue={str(values, name)}
      error={errors[name]}
    />
  );
  return (
    <>
      {num("jobsConstruction", t("proposal.f.jobsConstruction"))}
      {num("jobsOperations", t("proposal.f.jobsOperations"))}
      {num("localStaffPctYear5", t("proposal.f.localStaffPctYear5"), "decimal")}
      {num("traineesPerYear", t("proposal.f.traineesPerYear"))}
      <TextArea
        name="partnerInstitutions"
        limit={{ max: 1000 }}
        label={t("proposal.f.partnerInstitutions")}
        optional
        defaultValue={str(values, "partnerInstitutions")}
        error={errors.partnerInstitutions}
      />
      <TextArea
        name="technologyTransferPlan"
        limit={{ min: 50, max: 3000 }}
        label={t("proposal.f.technologyTransferPlan")}
        hint={t("proposal.h.technologyTransferPlan")}
        defaultValue={str(values, "technologyTransferPlan")}
        error={errors.technologyTransferPlan}
        rows={8}
      />
    </>
  );
}
