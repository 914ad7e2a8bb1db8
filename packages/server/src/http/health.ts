/**
 * `GET /healthz`: liveness and readiness for load balancers and orchestrators. 200 when the
 * process answers and its database does; 503 otherwise. Public, so it says nothing about the
 * record and never echoes the database's error (that goes to the log).
 */
import type { FastifyInstance } from 'fastify';
import type { AppSettings } from './app-config.ts';

/** A primary-key lookup of a setting: the cheapest question that proves the database answers. */
const PROBE_SETTING = 'kindred.healthz';

const healthSchema = {
  type: 'object',
  required: ['status', 'database', 'version'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    database: { type: 'string', enum: ['reachable', 'unreachable'] },
    version: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export function healthRoutes(settings: AppSettings) {
  return async function health(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      try {
        await settings.store.settings.get(PROBE_SETTING);
        return { status: 'ok', database: 'reachable', version: settings.version };
      } catch (error) {
        request.log.error({ err: error }, 'health check: the database does not answer');
        return reply.code(503).send({ status: 'unavailable', database: 'unreachable', version: settings.version });
      }
    });
  };
}
