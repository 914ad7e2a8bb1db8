/**
 * The request page's other outcomes and the inbox's pages over HTTP, on SQLite and PostgreSQL:
 * assigning to a colleague and back, a reply sent through the person's channel and recorded as a
 * Communication, sign-post, refer and close (each seen by the person), and 25 requests a page with
 * urgent ones first and next and previous links that work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_REFERENCE_SYSTEM, requestStatusForPerson } from '@kindred/care';
import { parseSearchRequest } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { phoneRequest, seedStaffArea } from './staff-fixture.ts';
import { staffTestApp, type StaffTestApp } from './staff-test-app.ts';

const backends = await testBackends();

const hidden = (page: string, name: string): string => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(page)?.[1] ?? '';
const requestLinks = (page: string): string[] => [...page.matchAll(/href="\/app\/staff\/requests\/([A-Za-z0-9\-.]+)"/g)].map((m) => m[1]!).filter((id) => id !== 'new');
const unescape = (href: string): string => href.replace(/&amp;/g, '&');

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`staff request outcomes and inbox pages on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let web: StaffTestApp;

    beforeAll(async () => {
      store = await backend.open();
      await seedStaffArea(store);
      web = await staffTestApp(store);
    });
    afterAll(async () => {
      await web?.close();
      await store?.destroy();
    });

    const post = async (id: string, path: string, fields: Record<string, string>) => {
      const page = await web.get('receptionist', `/app/staff/requests/${id}`);
      return web.post('receptionist', `/app/staff/requests/${id}/${path}`, { version: hidden(page.body, 'version'), ...fields });
    };

    it('assigns to a colleague of the practice, and back to the practice', async () => {
      const request = await phoneRequest(store, 'alice', 'Ear ache');
      const page = await web.get('receptionist', `/app/staff/requests/${request.id}`);
      expect(page.body).toContain('<option value="PractitionerRole/dr-north-role">North (clinician)</option>');
      expect(page.body).not.toContain('dr-south-role');
      const stranger = await post(request.id, 'assign', { assignTo: 'PractitionerRole/dr-south-role' });
      expect(stranger.status).toBe(400);
      expect(stranger.body).toContain('href="#assignTo">Choose who to assign the request to');
      expect((await post(request.id, 'assign', { assignTo: 'PractitionerRole/dr-north-role' })).status).toBe(303);
      expect((await store.repository.read('Task', request.id)).owner).toMatchObject({ reference: 'PractitionerRole/dr-north-role' });
      expect((await web.get('receptionist', `/app/staff/requests/${request.id}`)).body).toContain('Assigned to <strong>North (clinician)</strong>');
      expect((await post(request.id, 'assign', { assignTo: 'unassign' })).location).toContain('done=unassigned');
      expect((await store.repository.read('Task', request.id)).owner).toMatchObject({ reference: 'Organization/gp-north' });
    });

    it('saves a note with who wrote it', async () => {
      const request = await phoneRequest(store, 'alice', 'Rash');
      expect((await post(request.id, 'notes', { note: 'Asked for a photo of the rash' })).status).toBe(303);
      const page = await web.get('receptionist', `/app/staff/requests/${request.id}`);
      expect(page.body).toContain('Asked for a photo of the rash');
      expect(page.body).toContain('Rita Desk');
    });

    it('replies through the person’s channel, recorded as a Communication, and closes the request as replied', async () => {
      const request = await phoneRequest(store, 'alice', 'Can I have my flu jab?');
      const empty = await post(request.id, 'outcome', { outcome: 'reply', reply: '' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('href="#reply">Write your reply to Test');
      const sent = await post(request.id, 'outcome', { outcome: 'reply', reply: 'Yes: come to the clinic on Saturday morning.' });
      expect(sent.status).toBe(303);
      expect(sent.location).toContain('done=reply');
      const messages = (await store.repository.search(parseSearchRequest('Communication', [['identifier', `${MESSAGE_REFERENCE_SYSTEM}|reply:${request.id}`]], { handling: 'strict' }))).matches;
      expect(messages).toHaveLength(1);
      expect(JSON.stringify(messages[0]!.payload)).toContain('come to the clinic on Saturday morning');
      expect((await store.outbox.pending(100)).some((m) => m.template === 'reply' && m.channel === 'sms')).toBe(true);
      const task = await store.repository.read('Task', request.id);
      expect(task).toMatchObject({ status: 'completed', businessStatus: { text: 'We have replied' } });
      expect(requestStatusForPerson(task).stage).toBe('replied');
    });

    it('sign-posts, refers and closes with what the person sees', async () => {
      const signPost = await phoneRequest(store, 'alice', 'Hay fever');
      expect((await post(signPost.id, 'outcome', { outcome: 'sign-post', signPostTo: 'Any community pharmacy' })).status).toBe(303);
      expect((await store.repository.read('Task', signPost.id)).businessStatus).toMatchObject({ text: 'We have suggested another service' });

      const refer = await phoneRequest(store, 'alice', 'Feeling low');
      const none = await post(refer.id, 'outcome', { outcome: 'refer', referTo: '', referToText: '' });
      expect(none.status).toBe(400);
      expect(none.body).toContain('href="#referTo">Choose who to refer them to, or say who');
      expect((await post(refer.id, 'outcome', { outcome: 'refer', referTo: 'Organization/mental-health' })).status).toBe(303);
      expect(JSON.stringify((await store.repository.read('Task', refer.id)).output)).toContain('Organization/mental-health');

      const close = await phoneRequest(store, 'alice', 'Sent twice');
      expect((await post(close.id, 'outcome', { outcome: 'close', reason: 'The same as your other request' })).status).toBe(303);
      const closed = await store.repository.read('Task', close.id);
      expect(closed).toMatchObject({ status: 'completed', businessStatus: { text: 'Closed' } });
      const page = await web.get('receptionist', `/app/staff/requests/${close.id}`);
      expect(page.body).toContain('The same as your other request');
      expect(page.body).not.toContain('/outcome"');
    });

    it('pages the inbox 25 at a time, urgent first, with next and previous links', async () => {
      const urgent = await phoneRequest(store, 'dave', 'Getting worse fast', { urgent: true });
      for (let i = 0; i < 27; i++) await phoneRequest(store, i % 2 === 0 ? 'alice' : 'dave', `Request ${i}`);
      const first = await web.get('receptionist', '/app/staff');
      expect(first.status).toBe(200);
      const firstIds = [...new Set(requestLinks(first.body))];
      expect(firstIds).toHaveLength(25);
      expect(firstIds[0]).toBe(urgent.id);
      expect(first.body).toContain('nhsuk-tag--red">Urgent');
      const next = /href="(\/app\/staff\?at=[^"]+)"/.exec(first.body)?.[1];
      expect(next).toBeDefined();
      const second = await web.get('receptionist', unescape(next!));
      expect(second.status).toBe(200);
      const secondIds = [...new Set(requestLinks(second.body))];
      expect(secondIds.length).toBeGreaterThan(0);
      expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
      expect(second.body).toContain('Page 2');
      const previous = /nhsuk-pagination__link--prev" href="([^"]+)"/.exec(second.body)?.[1];
      expect(unescape(previous!)).toBe('/app/staff');
      const medical = await web.get('receptionist', '/app/staff?tab=medical');
      expect(medical.body).toMatch(/aria-current="page">Medical/);
      const hostile = await web.get('receptionist', '/app/staff?tab=%3Cscript%3E&at=not%20a%20cursor');
      expect(hostile.status).toBe(200);
      expect(hostile.body).not.toContain('<script>');
    });
  });
}
