/**
 * The pure parts of the staff's video pages and the person's join button: the message and invite
 * forms' checks, the clinics list (privacy answers that need care stand out; only the actions
 * that make sense are offered), the consultation screen (the one-time link shown when given, the
 * number to call after the move to phone, the call only after "Join the call") and the window in
 * which a video appointment can be joined.
 */
import type { StoredResource } from '@kindred/fhir';
import { describe, expect, it } from 'vitest';
import type { ClinicView, ConsultationView, WaitingEntry } from '../../video/video-service.ts';
import { renderClinicsMain, waitingSinceText } from './video-clinics-page.ts';
import { renderConsultationMain } from './video-consultation-page.ts';
import { canJoinVideo } from './video-person-join.ts';
import { parseInviteForm, parseMessageForm } from './video-staff-routes.ts';

const NOW = Date.parse('2026-11-23T09:40:00Z');

const entry = (over: Partial<WaitingEntry> = {}): WaitingEntry => ({
  appointmentId: 'a1',
  patientId: 'p1',
  patientName: 'Ann Smith',
  appointmentStart: '2026-11-23T09:45:00Z',
  minutesDuration: 15,
  waitingSince: '2026-11-23T09:28:00Z',
  status: 'waiting',
  connected: true,
  privacyAnswer: 'no',
  accessNeeds: ['Uses British Sign Language'],
  participants: [{ participantId: 'patient-a1', role: 'patient', displayName: 'Ann Smith', connected: true, status: 'waiting' }],
  ...over,
});

const clinic = (entries: WaitingEntry[]): ClinicView => ({ scheduleId: 's1', name: 'GP video appointments', opened: false, lateMinutes: 0, entries });

describe('the message and invite forms', () => {
  it('takes a lateness, a text or both, and says what to fix', () => {
    expect(parseMessageForm({ late: '10', text: '' }, 'm')).toEqual({ text: 'Sorry, your clinician is running about 10 minutes late.', late: 10 });
    expect(parseMessageForm({ late: '', text: 'Nearly ready' }, 'm')).toEqual({ text: 'Nearly ready' });
    expect(parseMessageForm({ late: '', text: ' ' }, 'm')).toEqual({ errors: [{ field: 'm-text', message: 'Enter a message, or how many minutes late you are running' }] });
    expect(parseMessageForm({ late: 'ten', text: 'x' }, 'm')).toMatchObject({ errors: [{ field: 'm-late' }] });
  });

  it('needs who and a name; a mobile or email is optional but must look right', () => {
    expect(parseInviteForm({ inviteRole: 'carer', inviteName: 'Sam (carer)', inviteSms: '07700 900 982', inviteEmail: '' })).toEqual({ role: 'carer', displayName: 'Sam (carer)', sendTo: { sms: '07700900982' } });
    expect(parseInviteForm({ inviteRole: 'interpreter', inviteName: 'Interpreter (Polish)' })).toEqual({ role: 'interpreter', displayName: 'Interpreter (Polish)' });
    const refused = parseInviteForm({ inviteRole: 'boss', inviteName: '', inviteSms: '123', inviteEmail: 'nope' });
    expect('errors' in refused && refused.errors.map((e) => e.field)).toEqual(['inviteRole', 'inviteName', 'inviteSms', 'inviteEmail']);
  });
});

describe('the clinics page', () => {
  it('makes "no" and "not sure" stand out and offers admit only to someone waiting', () => {
    const page = renderClinicsMain({ clinics: [clinic([entry(), entry({ appointmentId: 'a2', privacyAnswer: 'yes', status: 'in-call', patientName: 'Bob Jones' })])], csrf: 'c', now: NOW }).value;
    expect(page).toContain('<span class="app-video-privacy--concern">Cannot talk privately</span>');
    expect(page).toContain('<span>Can talk privately</span>');
    expect(page).toContain('Admit Ann Smith');
    expect(page).not.toContain('Admit Bob Jones');
    expect(page).toContain('Put on hold');
    expect(page).toContain('Uses British Sign Language');
    expect(page).toContain('Open clinic');
    expect(page).toContain('data-module="app-clinic-watch"');
  });

  it('says how long someone has waited', () => {
    expect(waitingSinceText('2026-11-23T09:28:00Z', NOW)).toBe('Since 9:28am (12 minutes)');
    expect(waitingSinceText(undefined, NOW)).toBe('Not checked in');
  });
});

describe('the consultation screen', () => {
  const view = (over: Partial<ConsultationView> = {}): ConsultationView => ({
    appointment: { resourceType: 'Appointment', id: 'a1', meta: { versionId: '1', lastUpdated: '' } },
    entry: entry(),
    patientPhone: '07700 900 123',
    modalityUsed: 'video',
    ...over,
  });

  it('offers "Join the call" first, then the call itself', () => {
    const before = renderConsultationMain({ view: view(), csrf: 'c', now: NOW, joined: false, clinicianName: 'Dr Hassan' }).value;
    expect(before).toContain('action="/app/staff/video/a1/join"');
    expect(before).not.toContain('data-module="app-video-call"');
    const joined = renderConsultationMain({ view: view(), csrf: 'c', now: NOW, joined: true, clinicianName: 'Dr Hassan' }).value;
    expect(joined).toContain('data-module="app-video-call"');
    expect(joined).toContain('/video/assets/video-client.js');
  });

  it('shows a new one-time link once, and the number to call after the move to phone', () => {
    const invited = renderConsultationMain({ view: view(), csrf: 'c', now: NOW, joined: false, clinicianName: 'Dr Hassan', invited: { url: 'https://x.example/video/join/abc', displayName: 'Sam (carer)' } }).value;
    expect(invited).toContain('https://x.example/video/join/abc');
    expect(invited).toContain('it will not be shown again');
    const phone = renderConsultationMain({ view: view({ modalityUsed: 'phone', entry: entry({ status: 'phone' }) }), csrf: 'c', now: NOW, joined: true, clinicianName: 'Dr Hassan' }).value;
    expect(phone).toContain('Call Ann Smith on <strong>07700 900 123</strong>');
    expect(phone).not.toContain('data-module="app-video-call"');
  });

  it('offers no admit button once four are in the call, and says why', () => {
    const inCall = (participantId: string, role: 'patient' | 'clinician' | 'carer' | 'interpreter') => ({ participantId, role, displayName: participantId, connected: true, status: 'in-call' as const });
    const participants = [inCall('patient-a1', 'patient'), inCall('gp', 'clinician'), inCall('sam', 'carer'), inCall('ola', 'interpreter'), { participantId: 'col', role: 'colleague' as const, displayName: 'Dr Second', connected: true, status: 'waiting' as const }];
    const full = renderConsultationMain({ view: view({ entry: entry({ status: 'in-call', participants }) }), csrf: 'c', now: NOW, joined: false, clinicianName: 'Dr Hassan' }).value;
    expect(full).toContain('The call is full (4 people). Someone must leave before Dr Second can join.');
    expect(full).not.toContain('Admit Dr Second');
    const room = renderConsultationMain({ view: view({ entry: entry({ status: 'in-call', participants: participants.filter((p) => p.participantId !== 'ola') }) }), csrf: 'c', now: NOW, joined: false, clinicianName: 'Dr Hassan' }).value;
    expect(room).toContain('Admit Dr Second');
  });

  it('keeps the typed notes when they could not be saved', () => {
    const page = renderConsultationMain({
      view: view({ note: { text: 'their notes', versionId: '2', documentId: 'd1' } }),
      csrf: 'c',
      now: NOW,
      joined: false,
      clinicianName: 'Dr Hassan',
      errors: [{ field: 'note', message: 'Someone else saved notes' }],
      typed: { note: 'my notes' },
    }).value;
    expect(page).toContain('>my notes</textarea>');
    expect(page).toContain('name="version" value="2"');
  });
});

describe('joining from the person’s appointments', () => {
  const appointment = (start: string, over: Record<string, unknown> = {}): StoredResource =>
    ({
      resourceType: 'Appointment',
      id: 'a1',
      meta: { versionId: '1', lastUpdated: '' },
      status: 'booked',
      start,
      end: new Date(Date.parse(start) + 15 * 60_000).toISOString(),
      serviceType: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: 'video' }] }],
      ...over,
    });

  it('opens 15 minutes before the start and closes at the end, for video only', () => {
    expect(canJoinVideo(appointment('2026-11-23T09:55:00Z'), NOW)).toBe(true);
    expect(canJoinVideo(appointment('2026-11-23T09:56:00Z'), NOW)).toBe(false);
    expect(canJoinVideo(appointment('2026-11-23T09:25:00Z'), NOW)).toBe(false);
    expect(canJoinVideo(appointment('2026-11-23T09:30:00Z'), NOW)).toBe(true);
    expect(canJoinVideo(appointment('2026-11-23T09:45:00Z', { status: 'cancelled' }), NOW)).toBe(false);
    expect(canJoinVideo(appointment('2026-11-23T09:45:00Z', { serviceType: [] }), NOW)).toBe(false);
  });
});
