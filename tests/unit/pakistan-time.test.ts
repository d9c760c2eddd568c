import { describe, expect, it } from "vitest";
import { pktLocalToUtcIso, utcIsoToPktLocal } from "~/domain/pakistan-time";

describe("Pakistan time (UTC+5, no daylight saving)", () => {
  it("reads a datetime-local value as Pakistan time and stores UTC", () => {
    expect(pktLocalToUtcIso("2027-03-31T17:00")).toBe("2027-03-31T12:00:00.000Z");
    expect(pktLocalToUtcIso("2027-03-31T17:00:30")).toBe("2027-03-31T12:00:30.000Z");
  });

  it("crosses midnight and the year boundary backwards", () => {
    expect(pktLocalToUtcIso("2027-01-01T02:30")).toBe("2026-12-31T21:30:00.000Z");
  });

  it("applies the same offset in summer (no daylight saving)", () => {
    expect(pktLocalToUtcIso("2027-07-15T09:00")).toBe("2027-07-15T04:00:00.000Z");
  });

  it("refuses dates and times that do not exist or are malformed", () => {
    for (const bad of [
      "2027-02-29T10:00",
      "2027-04-31T10:00",
      "2027-13-01T10:00",
      "2027-03-31T24:00",
      "2027-03-31T17:60",
      "2027-03-31",
      "31/03/2027 17:00",
      "",
    ])
      expect(pktLocalToUtcIso(bad), bad).toBeNull();
    expect(pktLocalToUtcIso("2028-02-29T10:00")).toBe("2028-02-29T05:00:00.000Z");
  });

  it("shows a stored UTC instant back as the Pakistan wall-clock value", () => {
    expect(utcIsoToPktLocal("2027-03-31T12:00:00.000Z")).toBe("2027-03-31T17:00");
    expect(utcIsoToPktLocal("2026-12-31T21:30:00.000Z")).toBe("2027-01-01T02:30");
    expect(utcIsoToPktLocal("not a date")).toBe("");
  });

  it("round-trips every quarter hour of a day", () => {
    for (let m = 0; m < 24 * 60; m += 15) {
      const local = `2027-06-30T${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
      expect(utcIsoToPktLocal(pktLocalToUtcIso(local)!)).toBe(local);
    }
  });
});
