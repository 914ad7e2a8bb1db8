/**
 * Small helpers for the sign-in forms: the urlencoded body parser (bounded), reading one field,
 * the client address for rate limiting, and cookies by name. No state; nothing logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Forms of the sign-in pages are tiny; anything bigger is refused before parsing. */
const FORM_LIMIT_BYTES = 16 * 1024;

export function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body.toString())));
  });
}

export function field(request: FastifyRequest, name: string): string {
  const body = request.body;
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

export function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
