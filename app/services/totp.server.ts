// TOTP (RFC 6238) with otpauth: HMAC-SHA1, 6 digits, 30-second steps, the parameters every
// authenticator app understands. A code is accepted one step either side of now (clock drift) and
// only for a step later than the last one accepted for the account (a code is good once, RFC 6238
// 5.2). Recovery codes: 10 random codes of 16 base32 characters (80 bits), each stored salted and
// hashed (ASVS 2.6.2), shown once.
import crypto from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";

export const TOTP_PERIOD_S = 30;
export const TOTP_WINDOW = 1;
export const ISSUER = "CDA Investment Portal";
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = "account"): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: TOTP_PERIOD_S,
    secret: Secret.fromBase32(secret),
  });
}

/** The current code (or the one for `timestamp`): for the demo's `npm run totp` and for tests. */
export function totpCode(secret: string, timestamp: number = Date.now()): string {
  return totp(secret).generate({ timestamp });
}

/** The time step a timestamp falls in. */
export function totpStep(timestamp: number = Date.now()): number {
  return Math.floor(timestamp / 1000 / TOTP_PERIOD_S);
}

/**
 * The time step the code belongs to when it is valid now (within the window) and later than
 * `lastStep`; otherwise null.
 */
export function matchTotp(
  secret: string,
  code: string,
  lastStep: number | null,
  timestamp: number = Date.now(),
): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret).validate({ token, timestamp, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = totpStep(timestamp) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** The otpauth:// address an authenticator app adds the account from. */
export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/** The address as a QR code: an SVG data URL (the CSP allows data: images). */
export async function totpQrDataUrl(secret: string, email: string): Promise<string> {
  const svg = await QRCode.toString(totpUri(secret, email), {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
  });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/** The secret in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

const CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i

/** Fresh recovery codes as shown to the user ("abcd-efgh-jkmn-pqrs"). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let raw = "";
    while (raw.length < 16) {
      const b = crypto.randomBytes(1)[0]!;
      // Rejection sampling keeps every character equally likely.
      if (b < 256 - (256 % CODE_ALPHABET.length)) raw += CODE_ALPHABET[b % CODE_ALPHABET.length];
    }
    return raw.match(/.{4}/g)!.join("-");
  });
}

/** A recovery code as typed (any case, spaces or dashes) to the form it is hashed in. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, "");
}

export function hashRecoveryCode(code: string): string {
  const salt = crypto.randomBytes(16).toString("hex");
  const hash = crypto
    .createHash("sha256")
    .update(salt + normaliseRecoveryCode(code))
    .digest("hex");
  return `${salt}$${hash}`;
}

export function recoveryCodeMatches(code: string, stored: string): boolean {
  const [salt, hash] = stored.split("$");
  if (!salt || !hash) return false;
  const candidate = crypto
    .createHash("sha256")
    .update(salt + normaliseRecoveryCode(code))
    .digest();
  const expected = Buffer.from(hash, "hex");
  return candidate.length === expected.length && crypto.timingSafeEqual(candidate, expected);
}

/** Whether the input looks like a recovery code rather than a 6-digit TOTP code. */
export function looksLikeRecoveryCode(code: string): boolean {
  return normaliseRecoveryCode(code).length === 16;
}
