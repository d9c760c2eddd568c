// Pure account rules: password rules, e-mail normalisation, mail templates.
import { describe, expect, it } from "vitest";
import { LOCALES } from "~/i18n/locales";
import { newPasswordErrors, normalizeEmail, parseForm, RegisterSchema } from "~/schemas/auth";
import { MAIL_TEMPLATES, renderMail, type MailTemplateName } from "~/services/mail-templates";

describe("new password rules", () => {
  it("accepts 10 characters or more, typed twice the same, that are not the email", () => {
    expect(newPasswordErrors("0123456789", "0123456789", "a@b.cn")).toEqual({});
  });
  it("counts characters, not bytes (Chinese passwords)", () => {
    expect(newPasswordErrors("密码密码密码密码密码", "密码密码密码密码密码", "a@b.cn")).toEqual({});
    expect(newPasswordErrors("密码密码密码密码密", "密码密码密码密码密", "a@b.cn")).toEqual({
      password: "auth.error.passwordTooShort",
    });
  });
  it("refuses the email address as password, whatever its case", () => {
    expect(
      newPasswordErrors("Li.Wei@Example.cn", "Li.Wei@Example.cn", "li.wei@example.cn"),
    ).toEqual({
      password: "auth.error.passwordIsEmail",
    });
  });
  it("reports a missing or different confirmation, and too long passwords", () => {
    expect(newPasswordErrors("0123456789", "", null)).toEqual({
      confirmPassword: "auth.error.confirmRequired",
    });
    expect(newPasswordErrors("0123456789", "0123456788", null)).toEqual({
      confirmPassword: "auth.error.confirmMismatch",
    });
    const long = "x".repeat(201);
    expect(newPasswordErrors(long, long, null)).toEqual({
      password: "auth.error.passwordTooLong",
    });
  });
});

describe("registration schema", () => {
  it("normalises the email to lower case", () => {
    const parsed = parseForm(RegisterSchema, {
      displayName: "Li",
      email: " Li.Wei@Example.CN ",
      locale: "en",
    });
    expect(parsed.ok && parsed.data.email).toBe("li.wei@example.cn");
    expect(normalizeEmail(" A@B.CN")).toBe("a@b.cn");
  });
});

describe("mail templates", () => {
  const names = Object.keys(MAIL_TEMPLATES) as MailTemplateName[];

  it("every template exists in both languages and uses exactly its declared placeholders", () => {
    for (const name of names) {
      const tpl = MAIL_TEMPLATES[name];
      for (const locale of LOCALES) {
        const text = `${tpl[locale].subject}\n${tpl[locale].text}`;
        const used = new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
        expect([...used].sort(), `${name} ${locale}`).toEqual([...tpl.vars].sort());
      }
    }
  });

  it("fills placeholders once (values are not re-expanded) and signs in the language", () => {
    const mail = renderMail("verify_email", "zh-Hans", { name: "{link}", link: "http://x/y" });
    expect(mail.text).toContain("{link}，您好");
    expect(mail.text).toContain("http://x/y");
    expect(mail.text).toContain("首都发展局投资提案门户");
  });

  it("refuses to render with a missing variable", () => {
    expect(() =>
      renderMail("reset_password", "en", { name: "x" } as unknown as {
        name: string;
        link: string;
      }),
    ).toThrow(/missing variable "link"/);
  });
});
