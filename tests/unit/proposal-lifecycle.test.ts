// The proposal lifecycle's transition table (product.md, "A proposal and its lifecycle") and the
// "is the call open" rule, checked move by move: who, from which status, and when.
import { describe, expect, it } from "vitest";
import type { CallStatus, ProposalStatus } from "~db/schema";
import { callAcceptsSubmissions, callResultsFrozen, checkReopen } from "~/domain/call-lifecycle";
import {
  awaitingDecision,
  canWithdraw,
  checkProposalTransition,
  isEditableDraft,
  isRanked,
  isReviewable,
  PROPOSAL_STATUSES,
  PROPOSAL_TRANSITIONS,
  type LifecycleContext,
  type Mover,
  type ProposalTransition,
} from "~/domain/proposal-lifecycle";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const call = (status: CallStatus, closesAt = "2026-07-01T00:00:00.000Z") => ({
  status,
  opens_at: "2026-01-01T00:00:00.000Z",
  closes_at: closesAt,
});
const ctx = (mover: Mover, status: CallStatus, extra: Partial<LifecycleContext> = {}) => ({
  mover,
  call: call(status),
  now: NOW,
  ...extra,
});

/** Every status a move is allowed from, for one mover and call status. */
function allowedFrom(t: ProposalTransition, c: LifecycleContext): ProposalStatus[] {
  return PROPOSAL_STATUSES.filter((s) => checkProposalTransition(t, s, c).ok);
}

describe("the transition table", () => {
  it("moves along product.md's lifecycle, each move from exactly its statuses", () => {
    expect(allowedFrom("submit", ctx("applicant", "open"))).toEqual(["draft"]);
    expect(allowedFrom("startReview", ctx("system", "open"))).toEqual(["submitted"]);
    expect(allowedFrom("requestClarification", ctx("official", "closed"))).toEqual([
      "submitted",
      "under_review",
      "clarification_requested",
    ]);
    expect(allowedFrom("answerClarification", ctx("applicant", "closed"))).toEqual([
      "clarification_requested",
    ]);
    expect(
      allowedFrom("publishDecision", ctx("official", "closed", { outcome: "reserve" })),
    ).toEqual(["submitted", "under_review", "clarification_requested"]);
    expect(allowedFrom("reopenDecision", ctx("system", "closed"))).toEqual([
      "shortlisted",
      "reserve",
      "rejected",
    ]);
    expect(allowedFrom("withdraw", ctx("applicant", "closed"))).toEqual([
      "draft",
      "submitted",
      "under_review",
      "clarification_requested",
    ]);
  });

  it("gives the status each move leads to (a published decision: its outcome)", () => {
    const to = (t: ProposalTransition, from: ProposalStatus, c: LifecycleContext) => {
      const r = checkProposalTransition(t, from, c);
      return r.ok ? r.to : r.error;
    };
    expect(to("submit", "draft", ctx("applicant", "open"))).toBe("submitted");
    expect(to("startReview", "submitted", ctx("official", "open"))).toBe("under_review");
    expect(to("answerClarification", "clarification_requested", ctx("applicant", "open"))).toBe(
      "under_review",
    );
    expect(
      to("publishDecision", "under_review", ctx("official", "closed", { outcome: "rejected" })),
    ).toBe("rejected");
    expect(to("publishDecision", "under_review", ctx("official", "closed"))).toBe(
      "lifecycle.error.noDecision",
    );
    expect(to("withdraw", "under_review", ctx("applicant", "open"))).toBe("withdrawn");
  });

  it("lets only the mover the table names make each move", () => {
    for (const [t, rule] of Object.entries(PROPOSAL_TRANSITIONS) as [
      ProposalTransition,
      (typeof PROPOSAL_TRANSITIONS)[ProposalTransition],
    ][]) {
      for (const mover of ["applicant", "official", "system"] as const) {
        const allowed = rule.who === mover || (rule.who === "system" && mover === "official");
        const r = checkProposalTransition(t, rule.from[0]!, ctx(mover, "open"));
        if (!allowed) expect(r).toEqual({ ok: false, error: "lifecycle.error.notAllowed" });
      }
    }
  });

  it("submits only while the call is open and before its deadline (server clock)", () => {
    const submit = (c: ReturnType<typeof call>, now = NOW) =>
      checkProposalTransition("submit", "draft", { mover: "applicant", call: c, now });
    expect(submit(call("open")).ok).toBe(true);
    expect(submit(call("closed"))).toEqual({ ok: false, error: "lifecycle.error.callNotOpen" });
    expect(submit(call("open", NOW.toISOString()))).toEqual({
      ok: false,
      error: "lifecycle.error.deadlinePassed",
    });
    expect(submit(call("open"), new Date("2025-12-31T23:59:59.999Z"))).toEqual({
      ok: false,
      error: "lifecycle.error.callNotOpen",
    });
  });

  it("freezes a decided or archived call: no clarification, answer or start of review", () => {
    for (const status of ["decided", "archived"] as const) {
      expect(
        checkProposalTransition("requestClarification", "under_review", ctx("official", status)),
      ).toEqual({ ok: false, error: "lifecycle.error.callDecided" });
      expect(
        checkProposalTransition(
          "answerClarification",
          "clarification_requested",
          ctx("applicant", status),
        ),
      ).toEqual({ ok: false, error: "lifecycle.error.callDecided" });
      expect(checkProposalTransition("startReview", "submitted", ctx("system", status))).toEqual({
        ok: false,
        error: "lifecycle.error.callDecided",
      });
    }
    // Publishing happens only while the call is being marked decided (it is still closed then).
    expect(
      checkProposalTransition(
        "publishDecision",
        "under_review",
        ctx("official", "decided", { outcome: "reserve" }),
      ),
    ).toEqual({ ok: false, error: "lifecycle.error.notAllowed" });
  });

  it("never withdraws after a published decision", () => {
    for (const s of ["shortlisted", "reserve", "rejected", "withdrawn"] as const)
      expect(checkProposalTransition("withdraw", s, ctx("applicant", "closed")).ok).toBe(false);
  });
});

describe("the named predicates", () => {
  it("agree with product.md's lists", () => {
    const where = (p: (s: string) => boolean) => PROPOSAL_STATUSES.filter(p);
    const inReview = ["submitted", "under_review", "clarification_requested"];
    expect(where(isReviewable)).toEqual(inReview);
    expect(where(awaitingDecision)).toEqual(inReview);
    expect(where(isRanked)).toEqual([...inReview, "shortlisted", "reserve", "rejected"]);
    expect(where(canWithdraw)).toEqual(["draft", ...inReview]);
  });

  it("lets a draft be edited only while its call accepts submissions", () => {
    const p = (
      status: ProposalStatus,
      callStatus: CallStatus,
      closes = "2026-07-01T00:00:00.000Z",
    ) => ({
      status,
      call_status: callStatus,
      call_opens_at: "2026-01-01T00:00:00.000Z",
      call_closes_at: closes,
    });
    expect(isEditableDraft(p("draft", "open"), NOW)).toBeNull();
    expect(isEditableDraft(p("submitted", "open"), NOW)).toBe("notEditable");
    expect(isEditableDraft(p("draft", "closed"), NOW)).toBe("deadlinePassed");
    expect(isEditableDraft(p("draft", "open", "2026-05-01T00:00:00.000Z"), NOW)).toBe(
      "deadlinePassed",
    );
  });
});

describe("the call's side", () => {
  it("decides 'open' in one place", () => {
    expect(callAcceptsSubmissions(call("open"), NOW)).toBeNull();
    expect(callAcceptsSubmissions(call("draft"), NOW)).toBe("notOpen");
    expect(callAcceptsSubmissions(call("open", "2026-06-01T12:00:00.000Z"), NOW)).toBe("deadline");
  });

  it("freezes results when decided or archived, and reopens only a decided call with a reason", () => {
    expect(
      (["draft", "open", "closed", "decided", "archived"] as const).filter(callResultsFrozen),
    ).toEqual(["decided", "archived"]);
    expect(checkReopen("decided", "The energy evidence was misread.")).toEqual({
      ok: true,
      to: "closed",
    });
    expect(checkReopen("decided", "  short  ")).toMatchObject({
      ok: false,
      errors: { reason: expect.stringMatching(/^callAdmin\.reopen\.reason/) },
    });
    for (const from of ["draft", "open", "closed", "archived"] as const)
      expect(checkReopen(from, "The energy evidence was misread.")).toEqual({
        ok: false,
        errors: { _form: "callAdmin.reopen.notDecided" },
      });
  });
});
