// The default criteria as rows of the criteria table, for the demo seed. The criteria themselves
// are a product rule and live in app/domain/default-criteria.ts.
import { DEFAULT_CRITERIA } from "~/domain/default-criteria";

export {
  DEFAULT_CRITERIA,
  DEFAULT_TIE_BREAK,
  type DefaultCriterion,
} from "~/domain/default-criteria";

/** Rows for the criteria table of one criteria version, positions 1.. in the order above. */
export function defaultCriteriaRows(criteriaVersionId: number) {
  return DEFAULT_CRITERIA.map((c, i) => ({
    criteria_version_id: criteriaVersionId,
    key: c.key,
    kind: c.kind,
    position: i + 1,
    title_en: c.titleEn,
    title_zh: c.titleZh,
    description_en: c.descriptionEn,
    description_zh: c.descriptionZh,
    weight: c.weight,
    min_level: c.minLevel,
    descriptors_json: JSON.stringify(c.descriptors),
    applies_to_track: c.appliesToTrack,
  }));
}
