// The mail service: stored in the outbox without SMTP, sent (and recorded as sent or failed)
// through a real SMTP conversation when SMTP_URL is set; links use the public address (docs/decisions/0009).
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "~/services/db.server";
import { publicUrl, resetEnvCache } from "~/services/env.server";
import { sendMail, takeLiveText } from "~/services/mail.server";

const db = () => getDb();

afterEach(() => {
  process.env.SMTP_URL = "";
  delete process.env.PUBLIC_URL;
  resetEnvCache();
});

/** A minimal SMTP server that accepts every message and keeps what it received. */
async function fakeSmtp(): Promise<{
  port: number;
  received: string[];
  close: () => Promise<void>;
}> {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let message = "";
    socket.write("220 fake.smtp ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let at: number;
      while ((at = buffer.indexOf("\r\n")) !== -1) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(message);
            message = "";
            socket.write("250 2.0.0 queued\r\n");
          } else message += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 fake.smtp\r\n");
        else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") {
          socket.write("221 bye\r\n");
          socket.end();
        } else socket.write("250 OK\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("sendMail", () => {
  it("without SMTP_URL keeps the message in the outbox with status 'stored'", async () => {
    const sent = await sendMail(db(), {
      to: "stored@example.cn",
      template: "verify_email",
      locale: "en",
      vars: { name: "Zhang San", link: "http://localhost:3000/verify-email?token=t1" },
    });
    expect(sent.status).toBe("stored");
    const row = await db()
      .selectFrom("mail_outbox")
      .selectAll()
      .where("id", "=", sent.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      to_address: "stored@example.cn",
      subject: "Confirm your email address",
      template: "verify_email",
      locale: "en",
      status: "stored",
      error: null,
      sent_at: null,
    });
    // No account has confirmed this address: the chosen name stays out (issue 12 item 7).
    expect(row.text_body).toContain("Dear Sir or Madam,");
    expect(row.text_body).not.toContain("Zhang San");
    // The one-time link is stored without its secret (issue 12 item 5).
    expect(row.text_body).toContain("http://localhost:3000/verify-email?token=REDACTED");
    expect(row.text_body).not.toContain("token=t1");
  });

  it("with SMTP_URL sends through SMTP and records 'sent'", async () => {
    const smtp = await fakeSmtp();
    try {
      process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
      resetEnvCache();
      const sent = await sendMail(db(), {
        to: "sent@example.cn",
        template: "password_changed",
        locale: "zh-Hans",
        vars: {
          name: "李娜",
          time: "2026年11月28日 10:00",
          link: "http://localhost:3000/forgot-password",
        },
      });
      expect(sent.status).toBe("sent");
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatch(/^To: sent@example\.cn$/m);
      const row = await db()
        .selectFrom("mail_outbox")
        .selectAll()
        .where("id", "=", sent.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe("sent");
      expect(row.sent_at).not.toBeNull();
      expect(row.subject).toBe("您的密码已更改");
    } finally {
      await smtp.close();
    }
  });

  it("with SMTP_URL the recipient gets the live link and the outbox keeps it redacted", async () => {
    const smtp = await fakeSmtp();
    try {
      process.env.SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
      resetEnvCache();
      const token = "Zq3-live_token_value_0123456789abcdefghijklm";
      const sent = await sendMail(db(), {
        to: "reset@example.cn",
        template: "reset_password",
        locale: "en",
        vars: { name: "Wu", link: `http://localhost:3000/reset-password?token=${token}` },
      });
      expect(sent.status).toBe("sent");
      // (quoted-printable: long lines are cut with "=" soft breaks)
      expect(smtp.received[0]!.replace(/=\r?\n/g, "").replace(/=3D/g, "=")).toContain(
        `token=${token}`,
      );
      const row = await db()
        .selectFrom("mail_outbox")
        .selectAll()
        .where("id", "=", sent.id)
        .executeTakeFirstOrThrow();
      expect(row.text_body).not.toContain(token);
      expect(row.text_body).toContain("reset-password?token=REDACTED");
      // Delivered by the mail server: nothing is kept for the outbox view either.
      expect(await takeLiveText(db(), row)).toBeNull();
    } finally {
      await smtp.close();
    }
  });

  it("a mail server that cannot be reached is recorded as 'failed' without throwing", async () => {
    const smtp = await fakeSmtp();
    const port = smtp.port;
    await smtp.close(); // nothing listens there any more
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    resetEnvCache();
    const sent = await sendMail(db(), {
      to: "failed@example.cn",
      template: "reset_password",
      locale: "en",
      vars: { name: "Wu", link: "http://localhost:3000/reset-password?token=x" },
    });
    expect(sent.status).toBe("failed");
    const row = await db()
      .selectFrom("mail_outbox")
      .selectAll()
      .where("id", "=", sent.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/ECONNREFUSED|connect/i);
  });
});

describe("links in mail", () => {
  it("use the address derived from HOST and PORT by default and PUBLIC_URL when set", () => {
    expect(publicUrl("/verify-email?token=a")).toBe("http://localhost:3000/verify-email?token=a");
    process.env.PUBLIC_URL = "https://invest.cda.gov.pk/portal";
    resetEnvCache();
    expect(publicUrl("/verify-email?token=a")).toBe(
      "https://invest.cda.gov.pk/portal/verify-email?token=a",
    );
  });
});
