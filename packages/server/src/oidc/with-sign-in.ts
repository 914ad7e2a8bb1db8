/**
 * Turns the app's settings into the settings of an app with sign-in on: a token service that
 * trusts the sign-in service's tokens (issuer, audience = the FHIR base), the $smart-launch
 * operation beside the others, and the sign-in service's plugin to register. Without sign-in the
 * settings are returned as they are.
 */
import type { FastifyInstance } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import { createSignInService } from './sign-in-plugin.ts';
import { smartLaunchRoute } from './smart-launch.ts';

export async function withSignIn(settings: AppSettings): Promise<{ settings: AppSettings; signInPlugin?: (app: FastifyInstance) => Promise<void> }> {
  const { signIn } = settings;
  if (signIn === undefined) return { settings };
  const service = await createSignInService({ store: settings.store, signIn, policy: settings.accessPolicy });
  return {
    settings: Object.freeze({
      ...settings,
      tokens: settings.tokens.trusting({ issuer: signIn.issuer, audience: signIn.fhirBaseUrl }),
      operationRoutes: Object.freeze([...settings.operationRoutes, smartLaunchRoute(settings.store.identity.oidcRecords)]),
    }),
    signInPlugin: service.plugin,
  };
}
