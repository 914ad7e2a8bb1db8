/**
 * A one-time code for signing in again as the same member of staff in a test: Kindred accepts each
 * TOTP code once (RFC 6238 §5.2, replay), so a second sign-in within the same 30-second step waits
 * for the next code instead of being refused.
 */
import { totpCode } from '@kindred/access';

const STEP_MS = 30_000;
const lastUsed = new Map<string, string>();

export async function freshTotpCode(secret: string): Promise<string> {
  let code = totpCode(secret, Date.now());
  while (lastUsed.get(secret) === code) {
    await new Promise((resolve) => setTimeout(resolve, STEP_MS - (Date.now() % STEP_MS) + 50));
    code = totpCode(secret, Date.now());
  }
  lastUsed.set(secret, code);
  return code;
}
