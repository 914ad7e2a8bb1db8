/** Placeholder: the person's video pages (/video/check, /video/wait), written by the pages' owner. */
import type { FastifyInstance } from 'fastify';
import type { VideoRouteDeps } from '../video-routes.ts';

export function videoPersonPages(_deps: VideoRouteDeps) {
  return async (_app: FastifyInstance): Promise<void> => {};
}
