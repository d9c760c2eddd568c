// Prints the current TOTP code for a base32 secret: `npm run totp -- <secret>`, or with no
// argument the demo admin's published secret (README, "Demo accounts"). For the demo and for
// scripts; any authenticator app shows the same code.
import { DEMO_ADMIN_TOTP_SECRET } from "../db/seed/demo-admin-totp";
import { totpCode, TOTP_PERIOD_S } from "../app/services/totp.server";

const secret = (process.argv[2] ?? DEMO_ADMIN_TOTP_SECRET).replace(/\s+/g, "").toUpperCase();
const left = TOTP_PERIOD_S - (Math.floor(Date.now() / 1000) % TOTP_PERIOD_S);
console.log(totpCode(secret));
console.error(`(valid for ${left} more seconds, and 30 after that)`);
