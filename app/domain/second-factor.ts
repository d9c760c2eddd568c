// Who must use a second factor, and what a correct password leads to (ASVS 2.2 / 2.8 at level 2
// for staff). Plain rules: the configured roles come from MFA_REQUIRED_ROLES (app/services/env).
import type { Role } from "~db/schema";

export type StaffRole = Exclude<Role, "applicant">;

/** Admins always; officials and reviewers too when MFA_REQUIRED_ROLES names them. */
export function secondFactorRequired(role: Role, requiredRoles: readonly StaffRole[]): boolean {
  if (role === "applicant") return false;
  return role === "admin" || requiredRoles.includes(role);
}

/** Staff may turn two-step verification on; applicants are not offered it. */
export function secondFactorOffered(role: Role): boolean {
  return role !== "applicant";
}

/**
 * What a correct password opens: a full session; the second step ('totp') for anyone enrolled;
 * enrolment only ('enrol') for someone whose role requires a second factor they do not have yet.
 */
export function signInStage(input: {
  role: Role;
  totpEnabled: boolean;
  requiredRoles: readonly StaffRole[];
}): "full" | "totp" | "enrol" {
  if (input.totpEnabled) return "totp";
  if (secondFactorRequired(input.role, input.requiredRoles)) return "enrol";
  return "full";
}
