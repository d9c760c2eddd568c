import { Choices, TextArea, TextField } from "~/components/form";
import { RepeatingRows } from "~/components/repeating-rows";
import { COLLABORATION_MODELS, MAX_USE_CASES, SITES, TRACKS } from "~/schemas/options";
import { useT } from "~/utils/use-t";
import { list, rowCount, str, When, type StepProps } from "./shared";

export function ProjectStep({ values, errors, live, enhanced }: StepProps) {
  const t = useT();
  const tracks = list(live, "tracks");
  const num = (name: string, label: string, hint?: string) => (
    <TextField
      name={name}
      label={label}
      hint={hint}
      inputMode="decimal"
      className="input--short"
      defaultValue={str(values, name)}
      error={errors[name]}
    />
  );
  return (
    <>
      <TextField
        name="title"
        label={t("proposal.f.title")}
        defaultValue={str(values, "title")}
        error={errors.title}
      />
      <Choices
        name="tracks"
        multiple
        label={t("proposal.f.tracks")}
        hint={t("proposal.h.tracks")}
        error={errors.tracks}
        defaultValue={list(values, "tracks")}
        options={TRACKS.map((v) => ({ value: v, label: t(`proposal.o.tracks.${v}`) }))}
      />
      <Choices
        name="collaborationModel"
        label={t("proposal.f.collaborationModel")}
        error={errors.collaborationModel}
        defaultValue={str(values, "collaborationModel")}
        options={COLLABORATION_MODELS.map((v) => ({
          value: v,
          label: t(`proposal.o.collaborationModel.${v}`),
        }))}
      />
      <When show={str(live, "collaborationModel") === "other"} enhanced={enhanced}>
        <TextField
          name="collaborationOther"
          label={t("proposal.f.collaborationOther")}
          defaultValue={str(values, "collaborationOther")}
          error={errors.collaborationOther}
        />
      </When>
      <TextArea
        name="summary"
        limit={{ min: 100, max: 3000 }}
        label={t("proposal.f.summary")}
        hint={t("proposal.h.summary")}
        defaultValue={str(values, "summary")}
        error={errors.summary}
        rows={8}
      />
      <Choices
        name="site"
        label={t("proposal.f.site")}
        error={errors.site}
        defaultValue={str(values, "site")}
        options={SITES.map((v) => ({ value: v, label: t(`proposal.o.site.${v}`) }))}
      />
      <When show={str(live, "site") === "cdaSite"} enhanced={enhanced}>
        <TextField
          name="siteReference"
          label={t("proposal.f.siteReference")}
          defaultValue={str(values, "siteReference")}
          error={errors.siteReference}
        />
      </When>
      <When show={tracks.includes("tier4DataCentre")} enhanced={enhanced}>
        <h2 className="h3">
          {t("proposal.f.dataCentreFields")}
          {enhanced ? null : ` (${t("proposal.o.tracks.tier4DataCentre")})`}
        </h2>
        {num("itLoadMwPhase1", t("proposal.f.itLoadMwPhase1"), t("proposal.h.itLoadMw"))}
        {num("itLoadMwFinal", t("proposal.f.itLoadMwFinal"), t("proposal.h.itLoadMw"))}
        {num("gridMw", t("proposal.f.gridMw"))}
        {num("renewablePct", t("proposal.f.renewablePct"))}
        {num("designPue", t("proposal.f.designPue"), t("proposal.h.designPue"))}
      </When>
      <When show={tracks.includes("bigDataPlatform")} enhanced={enhanced}>
        <RepeatingRows
          name="bigDataUseCases"
          legend={
            enhanced
              ? t("proposal.f.bigDataUseCases")
              : `${t("proposal.f.bigDataUseCases")} (${t("proposal.o.tracks.bigDataPlatform")})`
          }
          hint={t("proposal.h.bigDataUseCases")}
          rowLabel={t("proposal.f.useCase")}
          count={rowCount(values, "bigDataUseCases")}
          max={MAX_USE_CASES}
        >
          {(i) => (
            <>
              <TextField
                name={`bigDataUseCases[${i}].title`}
                label={t("proposal.f.bigDataUseCases.title")}
                defaultValue={str(values, `bigDataUseCases[${i}].title`)}
                error={errors[`bigDataUseCases[${i}].title`]}
              />
              <TextField
                name={`bigDataUseCases[${i}].beneficiary`}
                label={t("proposal.f.bigDataUseCases.beneficiary")}
                defaultValue={str(values, `bigDataUseCases[${i}].beneficiary`)}
                error={errors[`bigDataUseCases[${i}].beneficiary`]}
              />
              <TextField
                name={`bigDataUseCases[${i}].kpi`}
                label={t("proposal.f.bigDataUseCases.kpi")}
                defaultValue={str(values, `bigDataUseCases[${i}].kpi`)}
                error={errors[`bigDataUseCases[${i}].kpi`]}
              />
            </>
          )}
        </RepeatingRows>
      </When>
    </>
  );
}
