/**
 * GOV.UK Notify's API key and the JSON Web Token made from it for each request.
 *
 * A key is `{key name}-{service id}-{secret key}`, the two ids being UUIDs (36 characters each), so
 * the service id and the secret are read from the end. Every request carries a fresh token: header
 * `{"typ":"JWT","alg":"HS256"}`, claims `iss` (the service id) and `iat` (now, in epoch seconds,
 * within 30 seconds of Notify's clock), signed with the secret by HMAC-SHA256.
 * (https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header)
 *
 * Must never log or return the secret.
 */
import { SignJWT } from 'jose';
import { MessageError } from './message-channels.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NotifyApiKey {
  keyName: string;
  serviceId: string;
  secretKey: string;
}

export function parseNotifyApiKey(apiKey: string): NotifyApiKey {
  const key = apiKey.trim();
  const secretKey = key.slice(-36);
  const serviceId = key.slice(-73, -37);
  const keyName = key.slice(0, -74);
  if (key.length < 75 || !UUID.test(secretKey) || !UUID.test(serviceId) || key.at(-37) !== '-' || key.at(-74) !== '-') {
    throw new MessageError(
      'CHANNEL_MISCONFIGURED',
      'the GOV.UK Notify API key is not of the form "{key name}-{service id}-{secret key}" (two UUIDs at the end); copy it again from Notify\'s API integration page',
    );
  }
  return { keyName, serviceId, secretKey };
}

/** A token for one request (Notify refuses tokens more than 30 seconds old). */
export function notifyToken(key: NotifyApiKey, nowMs: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ typ: 'JWT', alg: 'HS256' })
    .setIssuer(key.serviceId)
    .setIssuedAt(Math.floor(nowMs / 1000))
    .sign(new TextEncoder().encode(key.secretKey));
}
