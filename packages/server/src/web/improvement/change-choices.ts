/**
 * What a plan-do-study-act cycle can say it changed in Kindred, offered as a choice rather than
 * typed: the forms people fill in (each Questionnaire version) and the capacity settings of the
 * viewer's organisations (their HealthcareServices, and the Schedules of those services or
 * practitioners there). Read through the viewer's own access-checked record; a type they may not
 * read simply offers nothing.
 */
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

export interface ChangeChoice {
  value: string;
  text: string;
}

const MAX = 100;

async function found(record: Repository, type: string, params: [string, string][]): Promise<StoredResource[]> {
  try {
    return (await record.search(parseSearchRequest(type, [...params, ['_count', String(MAX)]], { handling: 'strict' }))).matches;
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return [];
    throw error;
  }
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function scheduleName(schedule: StoredResource): string {
  const serviceType = (schedule.serviceType as { text?: string; coding?: { display?: string }[] }[] | undefined)?.[0];
  const actor = (schedule.actor as { display?: string }[] | undefined)?.find((a) => textOf(a.display) !== undefined);
  return textOf(schedule.comment) ?? textOf(serviceType?.text) ?? textOf(serviceType?.coding?.[0]?.display) ?? textOf(actor?.display) ?? `Schedule ${schedule.id}`;
}

export async function changeChoices(record: Repository, organisations: readonly string[]): Promise<ChangeChoice[]> {
  const choices: ChangeChoice[] = [];
  for (const form of await found(record, 'Questionnaire', [['_sort', 'title']])) {
    const version = textOf(form.version);
    choices.push({ value: `Questionnaire/${form.id}`, text: `Form: ${textOf(form.title) ?? textOf(form.name) ?? form.id}${version !== undefined ? ` (version ${version})` : ''}` });
  }
  if (organisations.length > 0) {
    const orgs = organisations.join(',');
    for (const service of await found(record, 'HealthcareService', [['organization', orgs]])) {
      choices.push({ value: `HealthcareService/${service.id}`, text: `Service: ${textOf(service.name) ?? service.id}` });
    }
    const schedules = [
      ...(await found(record, 'Schedule', [['actor:HealthcareService.organization', orgs]])),
      ...(await found(record, 'Schedule', [['actor:PractitionerRole.organization', orgs]])),
    ];
    const seen = new Set<string>();
    for (const schedule of schedules) {
      if (seen.has(schedule.id)) continue;
      seen.add(schedule.id);
      choices.push({ value: `Schedule/${schedule.id}`, text: `Capacity: ${scheduleName(schedule)}` });
    }
  }
  return choices;
}
