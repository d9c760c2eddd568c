import { Choices, TextArea, TextField } from "~/components/form";
import { SUPPORT_KINDS } from "~/schemas/options";
import { useT } from "~/utils/use-t";
import { list, MoneyField, str, type StepProps } from "./shared";

export function InvestmentStep({ values, errors }: StepProps) {
  const t = useT();
  const pct = (name: string, label: string) => (
    <TextField
      name={name}
      label={label}
      inputMode="numeric"
      className="input--short"
      defaultValue={str(values, name)}
      error={errors[name]}
    />
  );
  return (
    <>
      <MoneyField
        name="capex"
        label={t("proposal.f.capex")}
        hint={t("proposal.h.money")}
        values={values}
        errors={errors}
      />
      <h2 className="h3">{t("proposal.f.financing")}</h2>
      <p className="hint">{t("proposal.h.financing")}</p>
      {pct("equityPct", t("proposal.f.equityPct"))}
      {pct("debtPct", t("proposal.f.debtPct"))}
      {pct("otherPct", t("proposal.f.otherPct"))}
      <Choices
        name="governmentSupportRequested"
        multiple
        label={t("proposal.f.governmentSupportRequested")}
        error={errors.governmentSupportRequested}
        defaultValue={list(values, "governmentSupportRequested")}
        options={SUPPORT_KINDS.map((v) => ({
          value: v,
          label: t(`proposal.o.governmentSupportRequested.${v}`),
        }))}
      />
      <TextArea
        name="governmentSupportNotes"
        limit={{ max: 2000 }}
        label={t("proposal.f.governmentSupportNotes")}
        optional
        defaultValue={str(values, "governmentSupportNotes")}
        error={errors.governmentSupportNotes}
      />
    </>
  );
}
