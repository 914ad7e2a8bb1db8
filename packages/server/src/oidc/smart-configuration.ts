/**
 * The SMART configuration document, `GET [base]/.well-known/smart-configuration`
 * (SMART App Launch 2.0, http://hl7.org/fhir/smart-app-launch/conformance.html): where to
 * authorize and get tokens, what Kindred supports. Public, like /metadata: apps read it before
 * they have a token. Pure: built from the sign-in settings.
 */
import { CLIENT_ASSERTION_ALGS } from '@kindred/access';
import { OIDC_SCOPES, PROVIDER_ROUTES, SMART_CONTEXT_SCOPES } from './smart-provider.ts';
import type { SignInSettings } from './sign-in-settings.ts';

export function smartConfiguration(signIn: SignInSettings): Record<string, unknown> {
  const at = (route: string) => `${signIn.issuer}${route}`;
  return {
    issuer: signIn.issuer,
    jwks_uri: at(PROVIDER_ROUTES.jwks),
    authorization_endpoint: at(PROVIDER_ROUTES.authorization),
    token_endpoint: at(PROVIDER_ROUTES.token),
    userinfo_endpoint: at(PROVIDER_ROUTES.userinfo),
    revocation_endpoint: at(PROVIDER_ROUTES.revocation),
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    scopes_supported: [
      ...OIDC_SCOPES,
      ...SMART_CONTEXT_SCOPES,
      'patient/*.rs',
      'patient/*.cruds',
      'user/*.rs',
      'user/*.cruds',
      'system/*.rs',
      'system/*.cruds',
      'patient/*.read',
      'user/*.read',
      'system/*.read',
    ],
    capabilities: [
      'launch-standalone',
      'launch-ehr',
      'client-public',
      'client-confidential-asymmetric',
      'context-standalone-patient',
      'context-ehr-patient',
      'permission-offline',
      'permission-patient',
      'permission-user',
      'permission-v1',
      'permission-v2',
      'sso-openid-connect',
    ],
  };
}
