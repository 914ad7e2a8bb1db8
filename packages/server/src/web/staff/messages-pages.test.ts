/**
 * The messages page's HTML: each call with the person, why staff must phone, what to know before
 * the call and the message to give, and a form to record it (CSRF, version); a refused form keeps
 * what was typed beside its error; the outbox table with its status tags and paging.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_NEEDS, withAccessNeeds } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import { CALLS_PAGE_SIZE, OUTBOX_PAGE_SIZE } from './messages-call-list.ts';
import { renderMessagesPage } from './messages-pages.ts';

const patient = withAccessNeeds(
  {
    resourceType: 'Patient',
    id: 'alice',
    meta: { versionId: '1', lastUpdated: '2026-11-20T10:00:00Z' },
    name: [{ given: ['Alice'], family: 'Able' }],
    telecom: [{ system: 'phone', value: '0113 496 0001', use: 'home' }],
  },
  { ...DEFAULT_ACCESS_NEEDS, language: 'pl', interpreterRequired: true },
) as StoredResource;

const communication: StoredResource = {
  resourceType: 'Communication',
  id: 'msg-1',
  meta: { versionId: '2', lastUpdated: '2026-11-20T09:15:00Z' },
  status: 'on-hold',
  subject: { reference: 'Patient/alice' },
  topic: { text: 'appointment-reminder' },
  statusReason: { text: 'Staff must phone: needs an interpreter (pl) and the messages are in English only' },
  payload: [{ contentString: 'Your appointment\n\nIs on 3 March at <10:30>' }],
};

const emptyOutbox = { rows: [], page: 1, hasNext: false, truncated: false };

describe('renderMessagesPage', () => {
  it('shows each call with what staff need to know and a form to record it', () => {
    const page = renderMessagesPage({ calls: { calls: [{ communication, patient, reasons: ['needs an interpreter (pl) and the messages are in English only'] }] }, outbox: emptyOutbox, csrf: 'tok' });
    const main = page.main.value;
    expect(page.title).toBe('Messages');
    expect(main).toContain('<a href="/app/staff/people/alice">Alice Able</a>: Appointment reminder');
    expect(main).toContain('0113 496 0001 (home)');
    expect(main).toContain('<li>needs an interpreter (pl) and the messages are in English only</li>');
    expect(main).toContain('<li>Needs a Polish interpreter</li>');
    expect(main).toContain('Your appointment<br><br>Is on 3 March at &lt;10:30&gt;');
    expect(main).toContain('action="/app/staff/messages/calls/msg-1" method="post"');
    expect(main).toContain('<input type="hidden" name="csrf" value="tok">');
    expect(main).toContain('<input type="hidden" name="version" value="2">');
    expect(main).toContain('No messages are waiting to be sent.');
  });

  it('a refused form keeps what was typed beside its error', () => {
    const page = renderMessagesPage({
      calls: { calls: [{ communication, patient, reasons: [] }] },
      outbox: emptyOutbox,
      csrf: 'tok',
      refused: { communicationId: 'msg-1', errors: [{ field: 'outcome-msg-1', message: 'Select whether you spoke to them' }], typed: { 'note-msg-1': 'rang at 10 <no voicemail>' } },
    });
    expect(page.errors).toEqual([{ field: 'outcome-msg-1', message: 'Select whether you spoke to them' }]);
    expect(page.main.value).toMatch(/id="outcome-msg-1-error"[^]*Select whether you spoke to them/);
    expect(page.main.value).toContain('rang at 10 &lt;no voicemail&gt;</textarea>');
  });

  it('lists the outbox with channel, recipient, template, status and created, with paging', () => {
    const page = renderMessagesPage({
      calls: { calls: [] },
      outbox: {
        rows: [
          {
            message: { messageId: 'm1', recipient: 'Dave Dunn\n2 High Street', channel: 'letter', template: 'appointment-reminder/large-print', personalisation: {}, status: 'pending', createdAt: Date.parse('2026-11-20T09:00:00Z') },
            communication: { ...communication, subject: { reference: 'Patient/dave' } },
          },
        ],
        page: 2,
        hasNext: true,
        truncated: false,
      },
      csrf: 'tok',
      recorded: true,
    });
    const main = page.main.value;
    expect(main).toContain('The call is recorded.');
    expect(main).toContain('There are no calls to make.');
    expect(main).toContain('Dave Dunn<br>2 High Street');
    expect(main).toContain('Appointment reminder large print');
    expect(main).toContain('Letter');
    expect(main).toContain('Waiting to send');
    expect(main).toContain('Fri 20 Nov, 9am');
    expect(main).toContain('Page 2');
    expect(main).toContain('href="/app/staff/messages?page=1#outbox"');
    expect(main).toContain('href="/app/staff/messages?page=3#outbox"');
  });

  it('a full page of calls and outbox messages stays light', () => {
    const calls = Array.from({ length: CALLS_PAGE_SIZE }, (_, i) => ({ communication: { ...communication, id: `msg-${i}` }, patient, reasons: ['needs an interpreter (pl) and the messages are in English only'] }));
    const rows = Array.from({ length: OUTBOX_PAGE_SIZE }, (_, i) => ({
      message: { messageId: `m${i}`, recipient: 'Dave Dunn\n2 High Street\nLeeds', channel: 'letter' as const, template: 'appointment-reminder', personalisation: {}, status: 'pending' as const, createdAt: Date.now() },
      communication,
    }));
    const page = renderMessagesPage({ calls: { calls, nextCursor: 'next' }, outbox: { rows, page: 1, hasNext: true, truncated: false }, csrf: 'tok' });
    expect(Buffer.byteLength(page.main.value)).toBeLessThan(80_000);
  });
});
