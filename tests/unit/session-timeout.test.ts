// The idle-timeout warning's schedule: warn 5 minutes before the server would end the session
// (counting the server's one-minute refresh granularity), save the draft 45 s before, then end.
import { describe, expect, it } from "vitest";
import {
  remainingMs,
  SAVE_BEFORE_MS,
  SERVER_SLACK_MS,
  timeoutPhase,
  WARN_BEFORE_MS,
} from "~/components/session-timeout";

const HOUR = 60 * 60 * 1000;
const MIN = 60 * 1000;

describe("idle-timeout schedule", () => {
  it("stays quiet until 5 minutes before the (conservative) end", () => {
    const warnAt = HOUR - SERVER_SLACK_MS - WARN_BEFORE_MS;
    expect(timeoutPhase(0, HOUR)).toBe("active");
    expect(timeoutPhase(warnAt - 1, HOUR)).toBe("active");
    expect(timeoutPhase(warnAt, HOUR)).toBe("warning");
    expect(warnAt).toBe(54 * MIN);
  });

  it("saves the draft shortly before the end, and ends before the server does", () => {
    const end = HOUR - SERVER_SLACK_MS;
    expect(timeoutPhase(end - SAVE_BEFORE_MS - 1, HOUR)).toBe("warning");
    expect(timeoutPhase(end - SAVE_BEFORE_MS, HOUR)).toBe("save");
    expect(timeoutPhase(end - 1, HOUR)).toBe("save");
    expect(timeoutPhase(end, HOUR)).toBe("ended");
    expect(timeoutPhase(HOUR, HOUR)).toBe("ended");
  });

  it("counts the time left down to zero, never below", () => {
    expect(remainingMs(0, HOUR)).toBe(HOUR - SERVER_SLACK_MS);
    expect(remainingMs(50 * MIN, HOUR)).toBe(9 * MIN);
    expect(remainingMs(2 * HOUR, HOUR)).toBe(0);
  });
});
