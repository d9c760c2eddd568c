// The one result shape of commands (app/domain/command.ts): ok with the value, or a refusal with
// an HTTP status and message keys that the page translates.
import { describe, expect, it } from "vitest";
import { actorFrom, ok, refusal, refuse, runCommand } from "~/domain/command";
import { translate, type MessageKey } from "~/i18n";
import "~/i18n/catalog.server";
import { decodeMsg } from "~/utils/form";

describe("command results", () => {
  it("ok carries the value", async () => {
    expect(ok()).toEqual({ ok: true });
    expect(await runCommand(async () => ({ callId: 7 }))).toEqual({ ok: true, callId: 7 });
  });

  it("a refusal inside the body becomes the result, with its status and message keys", async () => {
    const result = await runCommand(async () => {
      refuse(409, "lifecycle.error.callDecided");
      return { never: true };
    });
    expect(result).toEqual({
      ok: false,
      status: 409,
      errors: { _form: "lifecycle.error.callDecided" },
    });
    expect(refusal(400, "validation.tooLong", { max: 5 }).errors._form).toBe(
      'validation.tooLong|{"max":5}',
    );
  });

  it("anything else thrown is not a refusal and propagates", async () => {
    await expect(runCommand(async () => Promise.reject(new Error("disk full")))).rejects.toThrow(
      "disk full",
    );
  });

  it("the board's refusals read in English and in Chinese", () => {
    for (const key of [
      "lifecycle.error.callDecided",
      "lifecycle.error.notFound",
    ] as const satisfies readonly MessageKey[]) {
      const { key: decoded } = decodeMsg(refusal(409, key).errors._form!);
      expect(translate("en", decoded as MessageKey)).not.toBe(decoded);
      expect(translate("zh-Hans", decoded as MessageKey)).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("the actor of a request carries the user's role, request id and address", () => {
    const user = { id: 3, email: "o@cda.gov.pk", role: "official" as const, name: "O" };
    expect(actorFrom(user, { requestId: "r1", ip: "10.0.0.1" })).toEqual({
      id: 3,
      email: "o@cda.gov.pk",
      role: "official",
      requestId: "r1",
      ip: "10.0.0.1",
    });
  });
});
