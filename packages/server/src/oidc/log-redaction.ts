/**
 * What of a sign-in url may go into the request log: the ids of sign-in interactions
 * (`/auth/interaction/<uid>`, `/auth/authorize/<uid>`) are left out, since together with the
 * browser's cookie they carry a sign-in forward. Everything else in the path stays, so the log
 * still says which step was asked for. Pure.
 */
const SIGN_IN_IDS = /(\/(?:interaction|authorize)\/)[A-Za-z0-9_-]{16,}/g;

export function loggablePath(path: string): string {
  return path.replace(SIGN_IN_IDS, '$1…');
}
