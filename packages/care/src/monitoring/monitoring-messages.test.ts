/**
 * The remote monitoring templates: every channel and variant renders with the personalisation the
 * service supplies, and the advice and summary a text reply carries read as plain English.
 */
import { describe, expect, it } from 'vitest';
import type { StoredResource } from '@kindred/fhir';
import { defaultTemplates, renderTemplate } from '../messaging/message-templates.ts';
import { colourAdvice, readingsSummary } from './received-text.ts';
import { MonitoringTemplate } from './ward-alert.ts';

const WARD = { id: 'w', name: 'City Hospital at Home', phone: '0113 496 0100', careTeam: {} as StoredResource };

describe('monitoring messages', () => {
  it('every variant of both templates renders with what the service supplies', () => {
    const supplied = {
      [MonitoringTemplate.redAlert]: { name: 'Alice', ward: WARD.name, minutes: '30', phone: WARD.phone },
      [MonitoringTemplate.readingReceived]: { name: 'Alice', readings: 'oxygen 94%', advice: 'Send your next readings as planned.', ward: WARD.name, phone: WARD.phone },
    };
    const ours = defaultTemplates.templates.filter((t) => t.name.startsWith('monitoring-'));
    expect(ours.map((t) => `${t.name}/${t.channel}/${t.variant}`).sort()).toEqual(
      ['monitoring-red-alert', 'monitoring-reading-received'].flatMap((n) => ['email/easy-read', 'email/standard', 'letter/easy-read', 'letter/large-print', 'letter/standard', 'sms/standard'].map((v) => `${n}/${v}`)).sort(),
    );
    for (const template of ours) {
      const rendered = renderTemplate(template, supplied[template.name as keyof typeof supplied]);
      expect(rendered.body).not.toMatch(/\(\(/);
      if (template.name === MonitoringTemplate.redAlert) expect(rendered.body).toMatch(/999/);
    }
  });

  it('a text reply says what was recorded and what to do, by colour', () => {
    expect(readingsSummary({ spo2: 94, pulse: 88, temperature: 37.8, bloodPressure: { systolic: 128, diastolic: 82 }, respiratoryRate: 18, weight: 70.5, onOxygen: false, consciousness: 'A', symptomsWorse: true })).toBe(
      'oxygen 94%, pulse 88, temperature 37.8°C, BP 128/82, breathing 18, weight 70.5 kg, not on oxygen, not confused, feeling worse',
    );
    expect(colourAdvice('red', WARD, 30)).toBe('Your readings need checking now. The City Hospital at Home team will call you within 30 minutes. If you feel very unwell or find it hard to breathe, call 999 now.');
    expect(colourAdvice('amber', WARD, 30)).toBe('Some readings are outside your usual range. The ward team will look at them today. If you feel worse, call 0113 496 0100.');
    expect(colourAdvice('green', WARD, 30)).toBe('Your readings are in your usual range. Send your next readings as planned.');
  });
});
