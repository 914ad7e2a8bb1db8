/**
 * The staff pages' pure parts: dates and NHS numbers as people read them (Europe/London), links that
 * keep the chosen organisation, which organisations a member of staff works for, the answers of a
 * request with the concerning ones marked, and the inbox and booking pages' HTML (escaped, tabs
 * marked, times grouped by day, errors kept).
 */
import { describe, expect, it } from 'vitest';
import type { InboxRow } from '@kindred/care';
import type { Principal } from '@kindred/access';
import { renderBookingPage } from './booking-page.ts';
import { renderInboxPage } from './inbox-page.ts';
import { answerLines, preferredModalityOf, requestFacts } from './request-facts.ts';
import { ageOn, dateTimeText, linkTo, londonDate, nhsNumberText, timeText } from './staff-format.ts';
import { orgParam, rolesByOrganisation } from './staff-organisation.ts';

describe('staff formats', () => {
  it('says times the NHS way, in London time', () => {
    expect(timeText('2026-07-01T08:30:00Z')).toBe('9:30am');
    expect(timeText('2026-12-01T12:00:00Z')).toBe('12pm');
    expect(dateTimeText('2026-11-24T14:05:00Z')).toBe('Tuesday 24 November 2026 at 2:05pm');
    expect(londonDate('2026-07-01T23:30:00Z')).toBe('2026-07-02');
    expect(nhsNumberText('9434765919')).toBe('943 476 5919');
    expect(ageOn('1950-02-03', Date.parse('2026-02-02T12:00:00Z'))).toBe(75);
    expect(ageOn('not a date', Date.now())).toBeUndefined();
  });

  it('keeps the chosen organisation in links, and encodes what it is given', () => {
    expect(linkTo('/app/staff', undefined)).toBe('/app/staff');
    expect(linkTo('/app/staff', 'gp-north', { tab: 'mine', at: undefined })).toBe('/app/staff?org=gp-north&tab=mine');
    expect(linkTo('/app/staff', undefined, { q: 'a&b<' })).toBe('/app/staff?q=a%26b%3C');
  });

  it('finds the organisations of a member of staff’s roles, once each', () => {
    const principal: Principal = {
      kind: 'staff',
      practitioner: 'Practitioner/x',
      roles: [
        { id: 'r1', organization: 'Organization/gp-north', codes: ['clinician'] },
        { id: 'r2', organization: 'Organization/gp-north', codes: ['receptionist'] },
        { id: 'r3', organization: 'Organization/hospital', codes: ['clinician'] },
        { id: 'r4', codes: ['clinician'] },
      ],
    };
    expect(rolesByOrganisation(principal)).toEqual([
      { organisationId: 'gp-north', roleId: 'r1' },
      { organisationId: 'hospital', roleId: 'r3' },
    ]);
    expect(rolesByOrganisation({ kind: 'patient', patient: 'Patient/a' })).toEqual([]);
    const one = { id: 'gp-north', name: 'North', roleId: 'r1' };
    expect(orgParam({ practitioner: 'Practitioner/x', current: one, all: [one] })).toBeUndefined();
    expect(orgParam({ practitioner: 'Practitioner/x', current: one, all: [one, { id: 'hospital', name: 'H', roleId: 'r3' }] })).toBe('gp-north');
  });
});

describe('a request’s facts and answers', () => {
  const questionnaire = {
    resourceType: 'Questionnaire',
    item: [
      { linkId: 'problem', text: 'What is the problem?', type: 'text' },
      { linkId: 'getting-worse', text: 'Is it getting worse quickly?', type: 'boolean', extension: [{ url: 'https://kindred.health/fhir/StructureDefinition/urgent-answer', valueBoolean: true }] },
      { linkId: 'how-long', text: 'How long?', type: 'choice', answerOption: [{ valueCoding: { code: 'weeks', display: '1 to 4 weeks' } }] },
    ],
  };
  const response = {
    resourceType: 'QuestionnaireResponse',
    item: [
      { linkId: 'problem', answer: [{ valueString: 'A cough' }] },
      { linkId: 'getting-worse', answer: [{ valueBoolean: true }] },
      { linkId: 'how-long', answer: [{ valueCoding: { code: 'weeks' } }] },
      { linkId: 'how-seen', answer: [{ valueCoding: { system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: 'video' } }] },
    ],
  };

  it('labels the answers with the form’s questions and marks the concerning ones', () => {
    const lines = answerLines(response, questionnaire);
    expect(lines.map((l) => [l.question, l.answer, l.concerning])).toEqual([
      ['What is the problem?', 'A cough', false],
      ['Is it getting worse quickly?', 'Yes', true],
      ['How long?', '1 to 4 weeks', false],
      ['how-seen', 'video', false],
    ]);
    expect(answerLines({ ...response, item: [{ linkId: 'getting-worse', answer: [{ valueBoolean: false }] }] }, questionnaire)[0]!.concerning).toBe(false);
    expect(preferredModalityOf(response)).toBe('video');
  });

  it('reads the Task as decision 0013 maps it, overdue only while open', () => {
    const task = { resourceType: 'Task', status: 'requested', priority: 'urgent', restriction: { period: { end: '2026-11-20T17:00:00Z' } }, for: { reference: 'Patient/a' } };
    const now = Date.parse('2026-11-21T09:00:00Z');
    expect(requestFacts(task, now)).toMatchObject({ urgent: true, overdue: true, open: true, patient: 'Patient/a' });
    expect(requestFacts({ ...task, status: 'completed' }, now)).toMatchObject({ overdue: false, open: false });
  });
});

describe('staff pages’ HTML', () => {
  const row: InboxRow = {
    taskId: 't1',
    version: '1',
    status: 'requested',
    patient: { id: 'a', name: 'Ann <Smith>', age: 54, nhsNumber: '9434765919' },
    category: 'medical',
    priority: 'urgent',
    urgent: true,
    route: 'phone',
    concerningAnswers: [{ question: 'Is it getting worse quickly?', answer: 'Yes' }],
    overdue: true,
    authoredOn: '2026-11-20T09:00:00Z',
    respondBy: '2026-11-20T17:00:00Z',
    accessNeeds: ['Needs a Polish interpreter', 'A carer helps them: see who before you contact them'],
    carer: { reference: 'RelatedPerson/r', name: 'Rob' },
  };

  it('renders the inbox: tabs with counts, tags, needs and carer in the row, escaped names', () => {
    const main = renderInboxPage({
      organisation: { id: 'gp-north', name: 'North Street Surgery' },
      organisations: [],
      filter: 'overdue',
      counts: { all: 3, unassigned: 2, mine: 1, medical: 2, admin: 1, overdue: 1 },
      rows: [row],
      staffNames: new Map(),
      myRole: 'PractitionerRole/me',
      pageNumber: 1,
      tabHref: (f) => `/app/staff?tab=${f}`,
      requestHref: (id) => `/app/staff/requests/${id}`,
      next: '/app/staff?at=abc',
    }).value;
    expect(main).toContain('aria-current="page">Overdue <span class="app-tabs__count">(1)</span>');
    expect(main).toContain('Ann &lt;Smith&gt;');
    expect(main).toContain('NHS number 943 476 5919');
    expect(main).toContain('nhsuk-tag--red">Urgent');
    expect(main).toContain('nhsuk-tag--orange">Overdue');
    expect(main).toContain('<li>Needs a Polish interpreter</li><li>Carer: Rob</li>');
    expect(main).toContain('Look at first:</strong> Is it getting worse quickly?: Yes');
    expect(main).toContain('<th scope="col" class="nhsuk-table__header">Respond by</th>');
    expect(main).toContain('href="/app/staff?at=abc"');
  });

  it('renders the booking page: their preference chosen, times grouped by day, the error beside the times', () => {
    const main = renderBookingPage({
      requestId: 't1',
      csrf: 'c',
      person: { name: 'Ann Smith', firstName: 'Ann', needsLines: ['Needs a Polish interpreter'] },
      preferred: 'video',
      preferredWhere: 'before',
      modality: 'video',
      mode: 'book',
      from: '2026-11-23',
      later: '2026-11-30',
      times: [
        { id: 's1', start: '2026-11-23T09:00:00Z', end: '2026-11-23T09:10:00Z' },
        { id: 's2', start: '2026-11-24T09:00:00Z' },
      ],
      chosen: ['s2'],
      interpreters: ['Polish interpreter'],
      longerAppointment: false,
      errors: [{ field: 'slot', message: 'That time has just been taken; choose another.' }],
    }).value;
    expect(main.indexOf('Before you contact Ann')).toBeLessThan(main.indexOf('How will they be seen?'));
    expect(main).toMatch(/value="video" checked/);
    expect(main).toContain('Video (what they asked for)');
    expect(main).toContain('asked for a <strong>video</strong> appointment when they were last booked');
    expect(main).toContain('Monday 23 November 2026</legend>');
    expect(main).toContain('Tuesday 24 November 2026</legend>');
    expect(main).toMatch(/id="slot" name="slot" type="radio" value="s1">/);
    expect(main).toMatch(/value="s2" checked/);
    expect(main).toContain('That time has just been taken; choose another.');
    expect(main).toContain('Polish interpreter will be added');
  });
});
