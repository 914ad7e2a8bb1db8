/**
 * The video routes a link holder reaches without an account: opening a link (/video/join/:token)
 * and the signalling WebSocket (/video/signal); and the person's pages (pages/, registered here).
 * Registered by the web plugin outside the signed-in scope.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import { videoPersonPages } from './pages/video-person-pages.ts';
import type { VideoService } from './video-service.ts';

export interface VideoRouteDeps {
  video: VideoService;
  settings: AppSettings;
  send(reply: FastifyReply, status: number, page: string): FastifyReply;
}

export function videoRoutes(deps: VideoRouteDeps) {
  return async function video(app: FastifyInstance): Promise<void> {
    await app.register(videoPersonPages(deps));
  };
}
