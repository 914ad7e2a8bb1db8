/**
 * Turns the app's settings into the settings of an app with sign-in on: a token service that
 * trusts the sign-in service's tokens (issuer, audience = the FHIR base), the $smart-launch
 * operation beside the others, and the sign-in service's plugin to register. Without sign-in the
 * settings are returned as they are.
 */
import type { FastifyInstance } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import { smartLaunchRoute } from './smart-launch.ts';

export async function withSignIn(settings: AppSettings): Promise<{ settings: AppSettings; signInPlugin?: (app: FastifyInstance) => Promise<void> }> {
  const { signIn } = settings;
  if (signIn === undefined) return { settings };
  // Loaded only when sign-in is on: oidc-provider warns at import on Node 20 (decision 0010), and
  // commands that never serve (kindred token, import …) should not load it at all.
  const { createSignInService } = await import('./sign-in-plugin.ts');
  const service = await createSignInService({ store: settings.store, signIn, policy: settings.accessPolicy, trustProxy: settings.trustProxy !== false });
  return {
    settings: Object.freeze({
      ...settings,
      tokens: settings.tokens.trusting({ issuer: signIn.issuer, audience: signIn.fhirBaseUrl }),
      operationRoutes: Object.freeze([...settings.operationRoutes, smartLaunchRoute(settings.store.identity.oidcRecords)]),
    }),
    signInPlugin: service.plugin,
  };
}
