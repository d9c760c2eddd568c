/**
 * The demo admin's TOTP secret (base32). Public on purpose: it is demo data, documented in the
 * README so that the demo signs in (`npm run totp` prints the current code).
 */
export const DEMO_ADMIN_TOTP_SECRET = "DEMOADMINTOTPSECRETFORCDAPORTAL2";
