import { Select, TextArea, TextField, type Option } from "~/components/form";
import { RepeatingRows } from "~/components/repeating-rows";
import { CN_PROVINCES, COUNTRY_CODES } from "~/schemas/countries";
import { MAX_REFERENCES } from "~/schemas/options";
import { useLocale, useT } from "~/utils/use-t";
import { MoneyField, rowCount, str, type StepProps } from "./shared";

/**
 * Country options named in the page language. The names come from Intl.DisplayNames on the
 * server (the loader passes them in `extra.countries`): browsers ship other ICU versions, whose
 * names and sort order would not match the server's HTML.
 */
export function countryOptions(locale: string): Option[] {
  const tag = locale === "zh-Hans" ? "zh-Hans-CN" : "en-GB";
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([tag], { type: "region" });
  } catch {
    names = null;
  }
  const options = COUNTRY_CODES.map((code) => ({ value: code, label: names?.of(code) ?? code }));
  options.sort((a, b) => a.label.localeCompare(b.label, tag));
  return [{ value: "", label: "—" }, ...options];
}

export function OrganisationStep({ values, errors, live, extra }: StepProps) {
  const t = useT();
  const locale = useLocale();
  const countries = extra.countries ?? [];
  const country = str(live, "country") || "CN";
  const provinces: Option[] = [
    { value: "", label: "—" },
    ...CN_PROVINCES.map((p) => ({
      value: p.value,
      label: locale === "zh-Hans" ? p.zh : p.value,
    })),
  ];
  return (
    <>
      {extra.usccStatus === "checkFailed" ? (
        <div className="notice notice--warning" role="status">
          {t("proposal.task.usccWarning")}
        </div>
      ) : null}
      <TextField
        name="legalNameEn"
        label={t("proposal.f.legalNameEn")}
        defaultValue={str(values, "legalNameEn")}
        error={errors.legalNameEn}
        autoComplete="organization"
      />
      <TextField
        name="legalNameZh"
        label={t("proposal.f.legalNameZh")}
        hint={t("proposal.h.legalNameZh")}
        optional
        defaultValue={str(values, "legalNameZh")}
        error={errors.legalNameZh}
      />
      <Select
        name="country"
        label={t("proposal.f.country")}
        defaultValue={str(values, "country") || "CN"}
        error={errors.country}
        options={countries}
      />
      {country === "CN" ? (
        <TextField
          name="uscc"
          label={t("proposal.f.uscc")}
          hint={t("proposal.h.uscc")}
          defaultValue={str(values, "uscc")}
          error={errors.uscc}
          className="input--code"
          spellCheck={false}
        />
      ) : (
        <TextField
          name="registrationNumber"
          label={t("proposal.f.registrationNumber")}
          hint={t("proposal.h.registrationNumber")}
          defaultValue={str(values, "registrationNumber")}
          error={errors.registrationNumber}
          spellCheck={false}
        />
      )}
      {country === "CN" ? (
        <Select
          name="province"
          label={t("proposal.f.province")}
          defaultValue={str(values, "province")}
          error={errors.province}
          options={provinces}
        />
      ) : (
        <TextField
          name="province"
          label={t("proposal.f.province")}
          defaultValue={str(values, "province")}
          error={errors.province}
        />
      )}
      <TextField
        name="city"
        label={t("proposal.f.city")}
        defaultValue={str(values, "city")}
        error={errors.city}
      />
      <TextArea
        name="address"
        label={t("proposal.f.address")}
        defaultValue={str(values, "address")}
        error={errors.address}
        rows={3}
        limit={{ max: 500 }}
      />
      <TextField
        name="website"
        label={t("proposal.f.website")}
        hint={t("proposal.h.website")}
        optional
        type="url"
        defaultValue={str(values, "website")}
        error={errors.website}
        spellCheck={false}
      />
      <TextField
        name="yearFounded"
        label={t("proposal.f.yearFounded")}
        hint={t("proposal.h.yearFounded")}
        inputMode="numeric"
        className="input--short"
        defaultValue={str(values, "yearFounded")}
        error={errors.yearFounded}
      />
      <TextField
        name="employees"
        label={t("proposal.f.employees")}
        inputMode="numeric"
        className="input--short"
        defaultValue={str(values, "employees")}
        error={errors.employees}
      />
      <MoneyField
        name="annualRevenue"
        label={t("proposal.f.annualRevenue")}
        hint={t("proposal.h.money")}
        values={values}
        errors={errors}
      />
      <TextField
        name="parentGroup"
        label={t("proposal.f.parentGroup")}
        optional
        defaultValue={str(values, "parentGroup")}
        error={errors.parentGroup}
      />
      <RepeatingRows
        name="references"
        legend={`${t("proposal.f.references")} ${t("common.optional")}`}
        hint={t("proposal.h.references")}
        rowLabel={t("proposal.f.reference")}
        count={rowCount(values, "references")}
        max={MAX_REFERENCES}
      >
        {(i) => (
          <>
            <TextField
              name={`references[${i}].site`}
              label={t("proposal.f.references.site")}
              defaultValue={str(values, `references[${i}].site`)}
              error={errors[`references[${i}].site`]}
            />
            <TextField
              name={`references[${i}].itLoadMw`}
              label={t("proposal.f.references.itLoadMw")}
              inputMode="decimal"
              className="input--short"
              defaultValue={str(values, `references[${i}].itLoadMw`)}
              error={errors[`references[${i}].itLoadMw`]}
            />
            <TextField
              name={`references[${i}].tierCertificateId`}
              label={t("proposal.f.references.tierCertificateId")}
              optional
              defaultValue={str(values, `references[${i}].tierCertificateId`)}
              error={errors[`references[${i}].tierCertificateId`]}
            />
            <TextField
              name={`references[${i}].year`}
              label={t("proposal.f.references.year")}
              inputMode="numeric"
              className="input--short"
              defaultValue={str(values, `references[${i}].year`)}
              error={errors[`references[${i}].year`]}
            />
          </>
        )}
      </RepeatingRows>
    </>
  );
}
