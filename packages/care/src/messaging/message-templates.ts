/**
 * Kindred's message templates as data (message-templates.json), and their rendering in GOV.UK
 * Notify's placeholder syntax: `((field))` is replaced by the personalisation's value
 * (https://docs.notifications.service.gov.uk/rest-api.html#personalisation-optional). Every
 * placeholder must be supplied, or rendering fails naming the missing fields, as Notify answers
 * "Missing personalisation: …". Notify's optional content (`((field??text))`) and lists are not
 * supported; a template using them fails the check in the tests.
 *
 * Pure: no sending, no storage. Templates are never changed after loading (frozen).
 */
import templateFile from './message-templates.json' with { type: 'json' };
import { MessageError, TemplateVariant, type SendChannel } from './message-channels.ts';

export interface MessageTemplate {
  readonly name: string;
  readonly channel: SendChannel;
  readonly variant: TemplateVariant;
  /** email and letter only (Notify's subject, a letter's heading) */
  readonly subject?: string;
  readonly body: string;
}

export interface RenderedMessage {
  body: string;
  subject?: string;
}

export interface TemplateSet {
  readonly templates: readonly MessageTemplate[];
  find(name: string, channel: SendChannel, variant?: TemplateVariant): MessageTemplate | undefined;
  /** the template, or a MessageError UNKNOWN_TEMPLATE naming what is missing */
  get(name: string, channel: SendChannel, variant?: TemplateVariant): MessageTemplate;
}

const PLACEHOLDER = /\(\(([^()]+)\)\)/g;

/** The fields a template asks for, each once, in order of first use. */
export function placeholdersOf(template: Pick<MessageTemplate, 'body' | 'subject'>): string[] {
  const text = `${template.subject ?? ''}\n${template.body}`;
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim()))];
}

/** Fills in the template, or throws MISSING_PERSONALISATION naming every field not supplied. */
export function renderTemplate(template: MessageTemplate, personalisation: Readonly<Record<string, string>>): RenderedMessage {
  const missing = placeholdersOf(template).filter((field) => typeof personalisation[field] !== 'string');
  if (missing.length > 0) {
    throw new MessageError('MISSING_PERSONALISATION', `template "${template.name}" (${template.channel}) needs personalisation: ${missing.join(', ')}`, {
      expression: missing.map((field) => `personalisation.${field}`),
    });
  }
  const fill = (text: string): string => text.replace(PLACEHOLDER, (_, field: string) => personalisation[field.trim()] ?? '');
  return { body: fill(template.body), ...(template.subject !== undefined ? { subject: fill(template.subject) } : {}) };
}

export function templateSetOf(templates: readonly MessageTemplate[]): TemplateSet {
  const frozen = Object.freeze(templates.map((t) => Object.freeze({ ...t })));
  const find = (name: string, channel: SendChannel, variant: TemplateVariant = TemplateVariant.standard) =>
    frozen.find((t) => t.name === name && t.channel === channel && t.variant === variant);
  return {
    templates: frozen,
    find,
    get(name, channel, variant = TemplateVariant.standard) {
      const template = find(name, channel, variant);
      if (template === undefined) {
        throw new MessageError('UNKNOWN_TEMPLATE', `there is no ${variant} ${channel} template named "${name}"`, { expression: ['template'] });
      }
      return template;
    },
  };
}

/** Kindred's own templates (message-templates.json). */
export const defaultTemplates: TemplateSet = templateSetOf(templateFile.templates as MessageTemplate[]);
