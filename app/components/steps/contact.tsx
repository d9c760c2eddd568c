import { Choices, TextField } from "~/components/form";
import { useT } from "~/utils/use-t";
import { str, type StepProps } from "./shared";

export function ContactStep({ values, errors }: StepProps) {
  const t = useT();
  return (
    <>
      <p className="hint">{t("proposal.h.contactName")}</p>
      <TextField
        name="familyName"
        label={t("proposal.f.familyName")}
        defaultValue={str(values, "familyName")}
        error={errors.familyName}
        autoComplete="family-name"
        spellCheck={false}
      />
      <TextField
        name="givenNames"
        label={t("proposal.f.givenNames")}
        defaultValue={str(values, "givenNames")}
        error={errors.givenNames}
        autoComplete="given-name"
        spellCheck={false}
      />
      <TextField
        name="jobTitle"
        label={t("proposal.f.jobTitle")}
        defaultValue={str(values, "jobTitle")}
        error={errors.jobTitle}
        autoComplete="organization-title"
      />
      <TextField
        name="email"
        label={t("proposal.f.email")}
        type="email"
        defaultValue={str(values, "email")}
        error={errors.email}
        autoComplete="email"
        spellCheck={false}
      />
      <TextField
        name="phone"
        label={t("proposal.f.phone")}
        hint={t("proposal.h.phone")}
        type="tel"
        defaultValue={str(values, "phone")}
        error={errors.phone}
        autoComplete="tel"
      />
      <Choices
        name="preferredLanguage"
        label={t("proposal.f.preferredLanguage")}
        error={errors.preferredLanguage}
        defaultValue={str(values, "preferredLanguage")}
        options={[
          { value: "en", label: t("proposal.o.preferredLanguage.en") },
          { value: "zh-Hans", label: t("proposal.o.preferredLanguage.zh-Hans") },
        ]}
      />
      <h2 className="h3">
        {t("proposal.f.localRepresentative")} {t("common.optional")}
      </h2>
      <p className="hint">{t("proposal.h.localRepresentative")}</p>
      <TextField
        name="localRepresentative.name"
        label={t("proposal.f.localRepresentative.name")}
        defaultValue={str(values, "localRepresentative.name")}
        error={errors["localRepresentative.name"]}
        spellCheck={false}
      />
      <TextField
        name="localRepresentative.organisation"
        label={t("proposal.f.localRepresentative.organisation")}
        defaultValue={str(values, "localRepresentative.organisation")}
        error={errors["localRepresentative.organisation"]}
      />
      <TextField
        name="localRepresentative.phone"
        label={t("proposal.f.localRepresentative.phone")}
        type="tel"
        defaultValue={str(values, "localRepresentative.phone")}
        error={errors["localRepresentative.phone"]}
      />
    </>
  );
}
