/**
 * The secrets the sign-in service keeps in the store's Settings, made on first use so that every
 * node shares them: the keys that sign its cookies (oidc-provider uses them with keygrip) and the
 * key CSRF tokens are derived from. Never logged, never sent anywhere.
 */
import { randomBytes } from 'node:crypto';
import type { Settings } from '@kindred/store';

export const COOKIE_KEY_SETTING = 'sign-in.cookie-key.1';
export const CSRF_KEY_SETTING = 'sign-in.csrf-key.1';

export interface SignInSecrets {
  cookieKeys: string[];
  csrfKey: Buffer;
}

export async function loadSignInSecrets(settings: Settings): Promise<SignInSecrets> {
  const make = () => randomBytes(32).toString('base64url');
  const [cookieKey, csrfKey] = await Promise.all([settings.getOrCreate(COOKIE_KEY_SETTING, make), settings.getOrCreate(CSRF_KEY_SETTING, make)]);
  return { cookieKeys: [cookieKey], csrfKey: Buffer.from(csrfKey, 'base64url') };
}
