/**
 * The web pages and their assets as one Fastify plugin: the home page, NHS.UK frontend's
 * prebuilt stylesheet and images under /assets/, and Kindred's own stylesheet. Paths into the
 * nhsuk-frontend package are resolved through Node's module resolution, never written out.
 * Pages send a strict Content-Security-Policy: they need no script and load nothing from elsewhere.
 */
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import { FHIR_VERSION } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import { fhirBaseUrl } from '../http/base-url.ts';
import { demoAccountsSection, readDemoAccounts } from './demo-accounts.ts';
import { renderHomePage } from './home-page.ts';

const require = createRequire(import.meta.url);

/** How long the home page's resource counts may be reused. */
const COUNTS_FRESH_MS = 5_000;

/** Headers of every HTML page. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
});

/**
 * Headers of a video call's pages (decision 0015): the same, except that the page may run
 * Kindred's own script, open its WebSocket and show camera streams.
 */
export const CALL_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...PAGE_HEADERS,
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
});

export function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(page);
}

async function stylesheet(path: string | URL): Promise<Buffer> {
  return readFile(path);
}

export function pagesPlugin(settings: AppSettings) {
  return async function pages(app: FastifyInstance): Promise<void> {
    const nhsukCss = await stylesheet(require.resolve('nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css'));
    const appCss = await stylesheet(new URL('./app.css', import.meta.url));
    const nhsukAssets = dirname(require.resolve('nhsuk-frontend/dist/nhsuk/assets/manifest.json'));

    // Compressed once at start: NHS.UK frontend's stylesheet is 270 KB as it is, about 25 KB as Brotli.
    const css = (content: Buffer) => {
      const brotli = brotliCompressSync(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } });
      const gzip = gzipSync(content, { level: 9 });
      return async (request: FastifyRequest, reply: FastifyReply) => {
        const accepted = String(request.headers['accept-encoding'] ?? '');
        const [body, encoding] = /\bbr\b/.test(accepted) ? [brotli, 'br'] : /\bgzip\b/.test(accepted) ? [gzip, 'gzip'] : [content, undefined];
        reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').header('X-Content-Type-Options', 'nosniff').header('Vary', 'Accept-Encoding');
        if (encoding !== undefined) reply.header('Content-Encoding', encoding);
        return reply.send(body);
      };
    };
    app.get('/assets/nhsuk-frontend.min.css', css(nhsukCss));
    app.get('/assets/app.css', css(appCss));
    await app.register(fastifyStatic, { root: nhsukAssets, prefix: '/assets/', decorateReply: false, index: false, maxAge: 3_600_000 });

    // The page is public and counting a large record is not free: counts are at most a few seconds old.
    let counted: { at: number; counts: Promise<Record<string, number>> } | undefined;
    const currentCounts = (): Promise<Record<string, number>> => {
      if (!counted || Date.now() - counted.at > COUNTS_FRESH_MS) {
        const counts = settings.store.repository.countByType();
        counted = { at: Date.now(), counts };
        counts.catch(() => {
          counted = undefined;
        });
      }
      return counted.counts;
    };

    app.get('/', async (request, reply) => {
      const counts = await currentCounts();
      const demoAccounts = settings.demo ? demoAccountsSection(await readDemoAccounts(settings.store.settings), Date.now()) : undefined;
      const page = renderHomePage({
        webApp: settings.signIn !== undefined,
        ...(demoAccounts !== undefined ? { demoAccounts } : {}),
        tokenCommand: settings.tokenCommand,
        version: settings.version,
        fhirVersion: FHIR_VERSION,
        database: settings.store.description,
        fhirBaseUrl: fhirBaseUrl(request, settings.fhirBaseUrl),
        counts,
      });
      return sendPage(reply.header('Cache-Control', 'no-store'), 200, page);
    });
  };
}
