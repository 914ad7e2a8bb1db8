/**
 * The innovation log's ideas and problems, as FHIR R4 Tasks (http://hl7.org/fhir/R4/task.html):
 *
 * - `code` improvement-idea (https://kindred.health/fhir/CodeSystem/improvement); no `for`: an idea
 *   is about the service, never a person, and holds no personal data (the access policy's
 *   improvementTasks rule lets every member of staff but volunteers read and change it);
 * - `description`: what the person noticed or suggests; `requester`: their PractitionerRole;
 * - `owner`: the team that owns that part of the service (an Organization or CareTeam, routed by
 *   improvement-routing.ts); the extension reported-from-page (valueUrl) names the page;
 * - `businessStatus`: the stage, idea → test → adopt | drop, with `status` requested,
 *   in-progress, completed or cancelled alongside; `note`: each update, with its author and time.
 *
 * Plain functions over the access-checked repository; it never bypasses the policy.
 */
import { FhirError, isFhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { Team } from './improvement-routing.ts';
import { IMPROVEMENT_IDEA, IMPROVEMENT_SYSTEM, REPORTED_FROM_EXTENSION, STAGE_NAMES, STAGE_SYSTEM, STAGES, STATUS_OF_STAGE, Stage } from './improvement-vocabulary.ts';

export interface IdeaNote {
  time: string;
  /** "Practitioner/id" */
  author?: string;
  text: string;
}

export interface Idea {
  id: string;
  versionId: string;
  description: string;
  stage: Stage;
  owner: Team;
  /** "PractitionerRole/id" of the person who reported it */
  requester?: string;
  /** the page it was reported from */
  reportedFrom?: string;
  reportedAt?: string;
  lastUpdated: string;
  notes: IdeaNote[];
}

/** The member of staff acting: their PractitionerRole and the organisations they have roles at. */
export interface StaffMember {
  /** "PractitionerRole/id" */
  role: string;
  /** "Practitioner/id": the author of their notes (R4 Annotation.author cannot be a PractitionerRole) */
  practitioner: string;
  /** "Organization/id" of each of their organisations */
  organisations: readonly string[];
}

export const MAX_IDEA_LENGTH = 2000;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const referenceOf = (value: unknown): string | undefined => {
  const ref = (value as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' ? ref : undefined;
};

function stageOf(task: Record<string, unknown>): Stage {
  const codings = (task.businessStatus as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  const code = codings.find((c) => c.system === STAGE_SYSTEM)?.code;
  return STAGES.find((s) => s === code) ?? Stage.idea;
}

function isIdea(task: Record<string, unknown>): boolean {
  const codings = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  return codings.some((c) => c.system === IMPROVEMENT_SYSTEM && c.code === IMPROVEMENT_IDEA);
}

export function ideaOf(task: StoredResource): Idea {
  const owner = task.owner as { reference?: string; display?: string } | undefined;
  const ownerRef = owner?.reference ?? '';
  const extensions = (task.extension as { url?: string; valueUrl?: string }[] | undefined) ?? [];
  const reportedFrom = extensions.find((e) => e.url === REPORTED_FROM_EXTENSION)?.valueUrl;
  const requester = referenceOf(task.requester);
  const notes = ((task.note as { time?: string; authorReference?: { reference?: string }; text?: string }[] | undefined) ?? []).map((n) => ({
    time: text(n.time),
    ...(typeof n.authorReference?.reference === 'string' ? { author: n.authorReference.reference } : {}),
    text: text(n.text),
  }));
  return {
    id: task.id,
    versionId: task.meta.versionId,
    description: text(task.description),
    stage: stageOf(task),
    owner: { reference: ownerRef, name: owner?.display ?? ownerRef },
    ...(requester !== undefined ? { requester } : {}),
    ...(reportedFrom !== undefined ? { reportedFrom } : {}),
    ...(typeof task.authoredOn === 'string' ? { reportedAt: task.authoredOn } : {}),
    lastUpdated: task.meta.lastUpdated,
    notes,
  };
}

const stageConcept = (stage: Stage) => ({ coding: [{ system: STAGE_SYSTEM, code: stage, display: STAGE_NAMES[stage] }], text: STAGE_NAMES[stage] });

export interface NewIdea {
  description: string;
  reporter: StaffMember;
  owner: Team;
  /** the page it was reported from (a path of the app) */
  reportedFrom?: string;
  now?: number;
}

/** Puts an idea or problem in the log, with the team it goes to. */
export async function reportIdea(record: Repository, idea: NewIdea): Promise<Idea> {
  const description = idea.description.trim();
  if (description === '') throw new FhirError('UNPROCESSABLE', 'Say what you noticed or what you suggest.');
  if (description.length > MAX_IDEA_LENGTH) throw new FhirError('UNPROCESSABLE', `An idea can be at most ${MAX_IDEA_LENGTH} characters.`);
  const now = new Date(idea.now ?? Date.now()).toISOString();
  const task: Resource = {
    resourceType: 'Task',
    ...(idea.reportedFrom !== undefined && idea.reportedFrom !== '' ? { extension: [{ url: REPORTED_FROM_EXTENSION, valueUrl: idea.reportedFrom }] } : {}),
    status: STATUS_OF_STAGE.idea,
    businessStatus: stageConcept(Stage.idea),
    intent: 'proposal',
    code: { coding: [{ system: IMPROVEMENT_SYSTEM, code: IMPROVEMENT_IDEA, display: 'Improvement idea or problem' }] },
    description,
    authoredOn: now,
    lastModified: now,
    requester: { reference: idea.reporter.role },
    owner: { reference: idea.owner.reference, display: idea.owner.name },
  };
  const written = await record.create(task);
  return ideaOf(written.resource);
}

/** One idea; 404 when there is none (or it is not an idea). */
export async function readIdea(record: Repository, id: string): Promise<Idea> {
  const task = await record.read('Task', id);
  if (!isIdea(task)) throw new FhirError('NOT_FOUND', 'There is no idea with that number in the innovation log.');
  return ideaOf(task);
}

/** The ideas in the log, most recently changed first; only one team's when `owner` is given. */
export async function listIdeas(record: Repository, options: { owner?: string; count?: number } = {}): Promise<Idea[]> {
  const params: [string, string][] = [
    ['code', `${IMPROVEMENT_SYSTEM}|${IMPROVEMENT_IDEA}`],
    ['_sort', '-_lastUpdated'],
    ['_count', String(options.count ?? 200)],
  ];
  if (options.owner !== undefined) params.push(['owner', options.owner]);
  const page = await record.search(parseSearchRequest('Task', params, { handling: 'strict' }));
  return page.matches.filter((t) => t.for === undefined).map(ideaOf);
}

/** Whether `member` is one of the staff of the team that owns `idea` (who may move it between stages). */
export async function ownsIdea(record: Repository, idea: Idea, member: StaffMember): Promise<boolean> {
  if (member.organisations.includes(idea.owner.reference) || member.role === idea.owner.reference) return true;
  if (!idea.owner.reference.startsWith('CareTeam/')) return false;
  try {
    const team = await record.read('CareTeam', idea.owner.reference.slice('CareTeam/'.length));
    const members = ((team.participant as { member?: { reference?: string } }[] | undefined) ?? []).map((p) => p.member?.reference);
    return members.some((m) => m !== undefined && (m === member.role || member.organisations.includes(m)));
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return false;
    throw error;
  }
}

function noted(task: StoredResource, author: string, words: string, now: string): Record<string, unknown>[] {
  const notes = (task.note as Record<string, unknown>[] | undefined) ?? [];
  return [...notes, { authorReference: { reference: author }, time: now, text: words }];
}

/** Moves an idea to another stage, by a member of the owning team, with a note of why. */
export async function moveIdea(record: Repository, id: string, move: { stage: Stage; by: StaffMember; note?: string; now?: number }): Promise<Idea> {
  const task = await record.read('Task', id);
  if (!isIdea(task)) throw new FhirError('NOT_FOUND', 'There is no idea with that number in the innovation log.');
  const idea = ideaOf(task);
  if (!(await ownsIdea(record, idea, move.by))) {
    throw new FhirError('ACCESS_DENIED', `Only the staff of ${idea.owner.name} can move this idea on. You can add a note instead.`);
  }
  if (idea.stage === move.stage) return idea;
  const now = new Date(move.now ?? Date.now()).toISOString();
  const why = move.note?.trim() ?? '';
  const words = `Moved from ${STAGE_NAMES[idea.stage].toLowerCase()} to ${STAGE_NAMES[move.stage].toLowerCase()}.${why !== '' ? ` ${why}` : ''}`;
  const written = await record.update(
    { ...task, status: STATUS_OF_STAGE[move.stage], businessStatus: stageConcept(move.stage), lastModified: now, note: noted(task, move.by.practitioner, words, now) },
    { ifMatchVersion: task.meta.versionId },
  );
  return ideaOf(written.resource);
}

/** Adds an update to an idea (anyone on staff may). */
export async function addIdeaNote(record: Repository, id: string, note: { text: string; by: StaffMember; now?: number }): Promise<Idea> {
  const words = note.text.trim();
  if (words === '') throw new FhirError('UNPROCESSABLE', 'Write the update you want to add.');
  const task = await record.read('Task', id);
  if (!isIdea(task)) throw new FhirError('NOT_FOUND', 'There is no idea with that number in the innovation log.');
  const now = new Date(note.now ?? Date.now()).toISOString();
  const written = await record.update({ ...task, lastModified: now, note: noted(task, note.by.practitioner, words, now) }, { ifMatchVersion: task.meta.versionId });
  return ideaOf(written.resource);
}
