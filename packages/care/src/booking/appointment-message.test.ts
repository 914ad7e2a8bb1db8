/**
 * The confirmation and reminder messages of an appointment: personalisation in Europe/London time,
 * ready for sendMessage, and rendered by every channel's template.
 */
import { describe, expect, it } from 'vitest';
import type { StoredResource } from '@kindred/fhir';
import { defaultTemplates, renderTemplate } from '../messaging/message-templates.ts';
import { appointmentMessage, londonDate, londonTime } from './appointment-message.ts';
import { modalityCoding } from './booking-vocabulary.ts';

const appointment = Object.freeze({
  resourceType: 'Appointment',
  id: 'appt-1',
  meta: { versionId: '1', lastUpdated: '2030-03-01T09:00:00Z' },
  status: 'booked',
  serviceType: [{ coding: [modalityCoding('home-visit')] }],
  start: '2030-07-04T13:30:00.000Z',
  participant: [{ actor: { reference: 'PractitionerRole/dr-north-role' }, status: 'accepted' }, { actor: { reference: 'Patient/alice' }, status: 'accepted' }],
}) as StoredResource;

describe('appointment messages', () => {
  it('dates and times are said as in England, summer time included', () => {
    expect(londonDate('2030-07-04T13:30:00.000Z')).toBe('Thursday 4 July 2030');
    expect(londonTime('2030-07-04T13:30:00.000Z')).toBe('2:30pm');
    expect(londonTime('2030-01-10T09:00:00.000Z')).toBe('9am');
    expect(londonTime('2030-01-10T00:05:00.000Z')).toBe('12:05am');
  });

  it('makes the reminder for the patient participant, about the appointment, with every field the templates need', () => {
    const message = appointmentMessage(appointment, 'appointment-reminder', { name: 'Alice Able', service: 'North Street Surgery', phone: '0113 496 0000', reference: 'reminder:appt-1' });
    expect(message).toEqual({
      recipient: { reference: 'Patient/alice' },
      template: 'appointment-reminder',
      personalisation: { name: 'Alice Able', appointment_type: 'home visit', service: 'North Street Surgery', date: 'Thursday 4 July 2030', time: '2:30pm', phone: '0113 496 0000' },
      about: [{ reference: 'Appointment/appt-1' }],
      reference: 'reminder:appt-1',
    });
    for (const template of defaultTemplates.templates.filter((t) => t.name === 'appointment-reminder' || t.name === 'appointment-confirmation')) {
      expect(() => renderTemplate(template, message.personalisation)).not.toThrow();
    }
  });

  it('an appointment without a patient cannot be told to anyone', () => {
    expect(() => appointmentMessage({ ...appointment, participant: [] }, 'appointment-confirmation', { name: 'x', service: 'y', phone: 'z' })).toThrow(/no patient participant/);
  });
});
