import { MILESTONES } from "~/schemas/options";
import { useT } from "~/utils/use-t";
import { DateField, type StepProps } from "./shared";

export function TimelineStep({ values, errors }: StepProps) {
  const t = useT();
  return (
    <>
      <p className="hint">{t("proposal.h.milestones")}</p>
      {MILESTONES.map((m) => (
        <DateField
          key={m}
          name={`milestones.${m}`}
          label={t(`proposal.f.milestones.${m}`)}
          values={values}
          errors={errors}
        />
      ))}
    </>
  );
}
