import { describe, expect, it } from 'vitest';
import { MessageError, SendChannel, TemplateVariant } from './message-channels.ts';
import { defaultTemplates, placeholdersOf, renderTemplate } from './message-templates.ts';

describe('message templates', () => {
  it('has the template set the issue asks for, each with a standard SMS or email and well-formed variants', () => {
    const names = new Set(defaultTemplates.templates.map((t) => t.name));
    expect([...names].sort()).toEqual(['appointment-confirmation', 'appointment-reminder', 'monitoring-reading-received', 'monitoring-red-alert', 'password-reset', 'reply', 'request-received', 'video-appointment-confirmation', 'video-appointment-reminder', 'video-invite', 'video-left-waiting-room']);
    for (const t of defaultTemplates.templates) {
      expect(Object.values(SendChannel)).toContain(t.channel);
      expect(Object.values(TemplateVariant)).toContain(t.variant);
      // an email and a letter have a subject; a text message never does
      expect(t.subject !== undefined, `${t.name} ${t.channel} ${t.variant}`).toBe(t.channel !== 'sms');
      // only ((field)) placeholders: Notify's ((a??b)) optional content is not supported here
      expect(t.body + (t.subject ?? '')).not.toMatch(/\?\?/);
      expect((t.body.match(/\(\(/g) ?? []).length).toBe((t.body.match(/\)\)/g) ?? []).length);
    }
    const keys = defaultTemplates.templates.map((t) => `${t.name}/${t.channel}/${t.variant}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('renders with personalisation, in the subject too', () => {
    const template = defaultTemplates.get('appointment-confirmation', 'email');
    const rendered = renderTemplate(template, {
      name: 'Ada',
      appointment_type: 'phone',
      service: 'Leeds GP',
      date: '3 March',
      time: '10:30am',
      phone: '0113 000 0000',
      unused: 'ignored',
    });
    expect(rendered.subject).toBe('Your appointment on 3 March');
    expect(rendered.body).toBe('Dear Ada,\n\nYour phone appointment with Leeds GP is on 3 March at 10:30am.\n\nTo change or cancel it, call 0113 000 0000.');
  });

  it('names every field that is not supplied', () => {
    const template = defaultTemplates.get('appointment-reminder', 'sms');
    expect(placeholdersOf(template)).toEqual(['appointment_type', 'service', 'date', 'time', 'phone']);
    try {
      renderTemplate(template, { appointment_type: 'video', service: 'x', phone: '1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MessageError);
      expect((error as MessageError).problem).toBe('MISSING_PERSONALISATION');
      expect((error as MessageError).message).toContain('date, time');
      expect((error as MessageError).issues[0]?.expression).toEqual(['personalisation.date', 'personalisation.time']);
    }
  });

  it('says which template does not exist', () => {
    expect(() => defaultTemplates.get('password-reset', 'letter')).toThrow(/no standard letter template named "password-reset"/);
    expect(defaultTemplates.find('reply', 'letter', 'large-print')?.subject).toBe('A reply from ((service))');
  });
});
