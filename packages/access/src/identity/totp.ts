/**
 * Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, the defaults
 * every authenticator app understands), through the otpauth library. Each accepted code's time
 * step is returned so the caller can refuse it a second time (RFC 6238 §5.2). The secret never
 * leaves this module except in the one otpauth:// URI shown when it is made.
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD_SECONDS = 30;
/** One step either side: RFC 6238 §5.2 recommends allowing at most one step of transmission delay. */
const WINDOW = 1;

/** A new random secret, base32 (160 bits, as RFC 4226 §4 recommends). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = 'account'): TOTP {
  return new TOTP({ issuer: 'Kindred', label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app scans (as a QR code) or takes typed in. */
export function totpUri(secret: string, username: string): string {
  return totpOf(secret, username).toString();
}

/** The time step `code` is valid for at `now` (epoch ms), or undefined when it is not a valid code. */
export function checkTotp(secret: string, code: string, now: number): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = totpOf(secret).validate({ token, timestamp: now, window: WINDOW });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/** The code for `now` (for tests and for showing set-up worked). */
export function totpCode(secret: string, now: number): string {
  return totpOf(secret).generate({ timestamp: now });
}
