/**
 * What the video routes and the person's video pages are given (decision 0015). In its own file so
 * that the routes and the pages need not import each other. Types only.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import type { VideoService, WebContext } from './video-service-types.ts';

export interface VideoRouteDeps {
  video: VideoService;
  settings: AppSettings;
  send(reply: FastifyReply, status: number, page: string): FastifyReply;
  /** the signed-in staff member of this request, if any (the web session); absent: no clinic events socket */
  staffContext?: (request: FastifyRequest, reply: FastifyReply) => Promise<WebContext | undefined>;
}
