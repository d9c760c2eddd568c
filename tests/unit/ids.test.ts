// Ids read from forms and addresses (app/utils/ids.ts): what reaches a bigint column must be a
// positive safe integer; anything else names no row (0) instead of reaching PostgreSQL, which
// refused NaN and twenty-digit ids with an error (a 500) where SQLite matched nothing.
import { describe, expect, it } from "vitest";
import { postedId } from "~/utils/ids";
import { readForm } from "~/services/form-body.server";
import { parseUploadRequest, UploadRequestError } from "~/services/uploads.server";

describe("postedId", () => {
  it("reads the positive safe integer a field spells", () => {
    expect(postedId("42")).toBe(42);
    expect(postedId(" 7 ")).toBe(7);
    expect(postedId(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("answers 0 for anything else: NaN, beyond 2^53, signs, fractions, exponents, non-strings", () => {
    for (const bad of [
      "abc",
      "",
      "0",
      "-1",
      "1.5",
      "1e3",
      "99999999999999999999",
      "9007199254740993",
    ])
      expect(postedId(bad), bad).toBe(0);
    for (const bad of [undefined, null, 42, ["1"], {}]) expect(postedId(bad)).toBe(0);
  });
});

describe("readForm", () => {
  const post = (body: string) =>
    new Request("http://localhost/x", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });

  it("refuses a field holding U+0000 with 400 (PostgreSQL cannot store it in text)", async () => {
    const refused = await readForm(post("body=a%00b")).catch((r: unknown) => r);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(400);
  });

  it("reads every other field as typed", async () => {
    const form = await readForm(post("body=%E9%95%BF+ok&n=1"));
    expect(form.get("body")).toBe("长 ok");
  });
});

describe("parseUploadRequest", () => {
  it("refuses a form without files whose field holds U+0000 with 400, as readForm does", async () => {
    const request = new Request("http://localhost/x", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "body=a%00b",
    });
    const refused = await parseUploadRequest(request, {
      allowedTypes: () => null,
      bytesAlreadyStored: 0,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UploadRequestError);
    expect((refused as UploadRequestError).status).toBe(400);
  });
});
