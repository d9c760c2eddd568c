import { describe, expect, it } from "vitest";
import {
  CALL_STATUSES,
  CallSettingsSchema,
  checkTransition,
  criteriaMayChange,
  criteriaPolicy,
  NewCallSchema,
} from "~/domain/call-lifecycle";
import { decodeMsg, zodFieldErrors } from "~/utils/form";

const now = new Date("2027-01-10T00:00:00.000Z");
const future = "2027-03-31T12:00:00.000Z";
const past = "2027-01-01T00:00:00.000Z";
const ok = { now, closesAt: future, hasPublishedCriteria: true };

describe("call lifecycle transitions", () => {
  it("allows exactly draft → open → closed → decided → archived", () => {
    const allowed: string[] = [];
    for (const from of CALL_STATUSES)
      for (const to of CALL_STATUSES)
        if (checkTransition(from, to, ok).ok) allowed.push(`${from}>${to}`);
    expect(allowed).toEqual(["draft>open", "open>closed", "closed>decided", "decided>archived"]);
  });

  it("refuses skipping, going back and leaving archived, with a message naming both states", () => {
    const r = checkTransition("draft", "closed", ok);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(decodeMsg(r.message)).toEqual({
        key: "callAdmin.transition.notAllowed",
        vars: { from: "draft", to: "closed" },
      });
    expect(checkTransition("closed", "open", ok).ok).toBe(false);
    expect(checkTransition("archived", "draft", ok).ok).toBe(false);
  });

  it("opens only with published criteria", () => {
    const r = checkTransition("draft", "open", { ...ok, hasPublishedCriteria: false });
    expect(r).toEqual({ ok: false, message: "callAdmin.transition.needsCriteria" });
  });

  it("opens only with a closing time in the future", () => {
    expect(checkTransition("draft", "open", { ...ok, closesAt: past })).toEqual({
      ok: false,
      message: "callAdmin.transition.closesInPast",
    });
    expect(checkTransition("draft", "open", { ...ok, closesAt: now.toISOString() }).ok).toBe(false);
  });

  it("closes, decides and archives whatever the dates", () => {
    const anyCtx = { now, closesAt: past, hasPublishedCriteria: false };
    expect(checkTransition("open", "closed", anyCtx).ok).toBe(true);
    expect(checkTransition("closed", "decided", anyCtx).ok).toBe(true);
    expect(checkTransition("decided", "archived", anyCtx).ok).toBe(true);
  });
});

describe("when criteria may change", () => {
  it("changes freely before opening", () => {
    expect(criteriaPolicy("draft", false)).toBe("free");
  });
  it("after opening only as a new version, while no review is submitted", () => {
    expect(criteriaPolicy("open", false)).toBe("new-version");
    expect(criteriaPolicy("closed", false)).toBe("new-version");
    expect(criteriaMayChange("new-version")).toBe(true);
  });
  it("never after the first submitted review, nor once decided or archived", () => {
    expect(criteriaPolicy("open", true)).toBe("refused-reviews");
    expect(criteriaPolicy("closed", true)).toBe("refused-reviews");
    expect(criteriaPolicy("decided", false)).toBe("refused-status");
    expect(criteriaPolicy("archived", false)).toBe("refused-status");
    expect(criteriaMayChange("refused-reviews")).toBe(false);
    expect(criteriaMayChange("refused-status")).toBe(false);
  });
});

describe("call settings form", () => {
  const form = {
    slug: "Data-Centres-2027",
    titleEn: "Data centres 2027",
    titleZh: "2027 年数据中心",
    opensAt: "2027-01-15T09:00",
    closesAt: "2027-03-31T17:00",
    minReviews: "3",
    qualifyingScore: "65",
    disagreementSpread: "2",
    disagreementSd: "15",
    tieBreak: "tier4, data，finance",
    contactEmail: "investment@cda.gov.pk",
  };

  it("parses Pakistan times to UTC, numbers and the tie-break list", () => {
    const r = NewCallSchema.safeParse(form);
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data.slug).toBe("data-centres-2027");
    expect(r.data.opensAt).toBe("2027-01-15T04:00:00.000Z");
    expect(r.data.closesAt).toBe("2027-03-31T12:00:00.000Z");
    expect(r.data.minReviews).toBe(3);
    expect(r.data.qualifyingScore).toBe(65);
    expect(r.data.tieBreak).toEqual(["tier4", "data", "finance"]);
    expect(r.data.descriptionEn).toBe("");
  });

  it("refuses a closing time before the opening time, and bad numbers, field by field", () => {
    const r = CallSettingsSchema.safeParse({
      ...form,
      closesAt: "2027-01-01T09:00",
      minReviews: "0",
      qualifyingScore: "101",
      disagreementSpread: "1.5",
      titleZh: " ",
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    const errors = zodFieldErrors(r.error);
    expect(errors.closesAt).toBe("callAdmin.closesAfterOpens");
    expect(errors.minReviews).toBe("callAdmin.minReviews");
    expect(errors.qualifyingScore).toBe("callAdmin.qualifyingScore");
    expect(errors.disagreementSpread).toBe("callAdmin.spread");
    expect(errors.titleZh).toBe("validation.required");
  });

  it("refuses web address names that are not lower-case words or would hide a page", () => {
    for (const slug of ["a", "has space", "-lead", "new", "ünïcode"]) {
      const r = NewCallSchema.safeParse({ ...form, slug });
      expect(r.success, slug).toBe(false);
    }
  });
});
