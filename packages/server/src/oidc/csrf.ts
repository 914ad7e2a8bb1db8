/**
 * CSRF tokens for the sign-in forms (OWASP CSRF Prevention Cheat Sheet, "synchronizer token"):
 * an HMAC of the form's purpose and the sign-in interaction it belongs to, under a key only the
 * server holds. The interaction id is itself bound to the browser by oidc-provider's signed
 * cookie, so a page on another site can neither read nor forge the token. Stateless, so any node
 * can check a token another node made.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function csrfToken(key: Buffer, purpose: string, binding: string): string {
  return createHmac('sha256', key).update(`${purpose}\n${binding}`).digest('base64url');
}

export function csrfTokenIsValid(key: Buffer, purpose: string, binding: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const expected = Buffer.from(csrfToken(key, purpose, binding));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
