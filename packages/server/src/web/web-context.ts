/**
 * What every web page handler is given: who is signed in and the record as they may see it
 * (access-checked and audited), and the app's services (message channels, the slot ledger, who
 * is viewing a request). Types only.
 */
import type { AccessContext, Principal } from '@kindred/access';
import type { MessageChannels, SlotLedger, ViewerRegistry } from '@kindred/care';
import type { Warehouse } from '@kindred/insight';
import type { Repository } from '@kindred/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import type { VideoService } from '../video/video-service-types.ts';
import type { FrontDoor, WebPageFrame, WebViewer } from './web-layout.ts';
import type { WebSession } from './web-session.ts';

export interface WebContext {
  session: WebSession;
  access: AccessContext;
  principal: Principal;
  /** the record as this person may see and change it; every use is in the audit trail */
  record: Repository;
  frontDoor: FrontDoor;
  viewer: WebViewer;
}

export interface WebDeps {
  settings: AppSettings;
  channels: MessageChannels;
  ledger: SlotLedger;
  viewers: ViewerRegistry;
  /** video consultations: links, waiting rooms, the clinician's actions (decision 0015) */
  video: VideoService;
  /** the analytics copy of the record the measure pages read; absent when analytics are off */
  warehouse?: Warehouse;
  contextOf(request: FastifyRequest): WebContext;
  /** the page in the signed-in frame (navigation of the person's front door) */
  render(request: FastifyRequest, frame: Omit<WebPageFrame, 'path'>): string;
  send(reply: FastifyReply, status: number, page: string): FastifyReply;
  /** throws (a 403 page) when a posted form's CSRF token is not this session's */
  checkCsrf(request: FastifyRequest): void;
  /**
   * `compute()`, reused for this signed-in person for up to `freshMs` (for costly summaries such as
   * tab counts); never shared between people, and forgotten whenever they post a form.
   */
  remember<T>(request: FastifyRequest, key: string, freshMs: number, compute: () => Promise<T>): Promise<T>;
}

/** A form's fields: one value, or several for checkboxes. */
export type FormFields = Readonly<Record<string, string | readonly string[]>>;

export function formOf(request: FastifyRequest): FormFields {
  const body = request.body;
  return typeof body === 'object' && body !== null ? (body as FormFields) : {};
}

/** One field's text ('' when absent; the first when given twice). */
export function fieldText(fields: FormFields, name: string): string {
  const value = fields[name];
  return typeof value === 'string' ? value : (value?.[0] ?? '');
}

export function fieldList(fields: FormFields, name: string): string[] {
  const value = fields[name];
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}

/** A resource element that should be text (a FHIR string, dateTime, instant): the text, or `fallback`. */
export function textOf(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** Urlencoded form fields; a field given more than once (checkboxes) is a list. */
export function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
