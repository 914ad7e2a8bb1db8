/**
 * Plan-do-study-act cycles, as FHIR R4 Tasks (http://hl7.org/fhir/R4/task.html):
 *
 * - `code` pdsa-cycle (https://kindred.health/fhir/CodeSystem/improvement); no `for`;
 *   `partOf` the idea it came from, when it did;
 * - `description`: the change; `focus`: what changed in Kindred, where there is one (a
 *   Questionnaire, i.e. a form version, or a Schedule or HealthcareService, i.e. a capacity setting);
 * - `input`: the title, the prediction (valueString) and each measure (valueCanonical
 *   https://kindred.health/fhir/Measure/<id>, the measure library's id);
 * - `executionPeriod`: start = the date of the change (marked on the measures' charts and offered
 *   as a rebase point), end = when the study closed;
 * - `output`: the study (what happened, valueString) and the act (adopt, adapt or abandon, valueCode);
 * - `status` in-progress until the act is recorded, then completed; `requester` and `owner` as an idea's.
 *
 * Plain functions over the access-checked repository.
 */
import { FhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { moveIdea, ownsIdea, readIdea, type StaffMember } from './improvement-ideas.ts';
import type { Team } from './improvement-routing.ts';
import { ACTS, type Act, IMPROVEMENT_SYSTEM, PART_SYSTEM, PDSA_CYCLE, Part, Stage, measureCanonical, measureIdOf } from './improvement-vocabulary.ts';

export interface PdsaCycle {
  id: string;
  versionId: string;
  title: string;
  /** what is being changed */
  change: string;
  prediction: string;
  /** measure ids of the library */
  measures: string[];
  /** YYYY-MM-DD: the date the change went live */
  changeDate?: string;
  /** YYYY-MM-DD: when the study closed */
  studyEnd?: string;
  study?: string;
  act?: Act;
  /** the idea it came from */
  ideaId?: string;
  /** "Questionnaire/…", "Schedule/…" or "HealthcareService/…": what changed in Kindred */
  changed?: string;
  owner: Team;
  requester?: string;
  status: string;
  lastUpdated: string;
}

/** What a cycle says; everything but the title and change may be left out. */
export interface CycleFields {
  title: string;
  change: string;
  prediction?: string;
  measures?: readonly string[];
  changeDate?: string;
  changed?: string;
  study?: string;
  studyEnd?: string;
  act?: Act;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date written YYYY-MM-DD (not 2026-02-31). */
function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return DATE.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
const CHANGED = /^(Questionnaire|Schedule|HealthcareService|PlanDefinition|ActivityDefinition)\/[A-Za-z0-9\-.]{1,64}$/;
const MEASURE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

type Part_ = { type?: { coding?: { system?: string; code?: string }[] }; valueString?: string; valueCanonical?: string; valueCode?: string };

const partsOf = (list: unknown, part: Part): Part_[] =>
  ((list as Part_[] | undefined) ?? []).filter((p) => p.type?.coding?.some((c) => c.system === PART_SYSTEM && c.code === part) === true);
const partType = (part: Part) => ({ coding: [{ system: PART_SYSTEM, code: part }], text: part });

function isCycle(task: Record<string, unknown>): boolean {
  const codings = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  return codings.some((c) => c.system === IMPROVEMENT_SYSTEM && c.code === PDSA_CYCLE);
}

export function cycleOf(task: StoredResource): PdsaCycle {
  const owner = task.owner as { reference?: string; display?: string } | undefined;
  const period = task.executionPeriod as { start?: string; end?: string } | undefined;
  const partOf = ((task.partOf as { reference?: string }[] | undefined) ?? []).map((p) => p.reference).find((r) => r?.startsWith('Task/'));
  const focus = (task.focus as { reference?: string } | undefined)?.reference;
  const requester = (task.requester as { reference?: string } | undefined)?.reference;
  const title = partsOf(task.input, Part.title)[0]?.valueString;
  const prediction = partsOf(task.input, Part.prediction)[0]?.valueString;
  const study = partsOf(task.output, Part.study)[0]?.valueString;
  const act = ACTS.find((a) => a === partsOf(task.output, Part.act)[0]?.valueCode);
  return {
    id: task.id,
    versionId: task.meta.versionId,
    title: title ?? 'Untitled cycle',
    change: typeof task.description === 'string' ? task.description : '',
    prediction: prediction ?? '',
    measures: partsOf(task.input, Part.measure).flatMap((p) => (typeof p.valueCanonical === 'string' ? [measureIdOf(p.valueCanonical)] : [])),
    ...(period?.start !== undefined ? { changeDate: period.start.slice(0, 10) } : {}),
    ...(period?.end !== undefined ? { studyEnd: period.end.slice(0, 10) } : {}),
    ...(study !== undefined ? { study } : {}),
    ...(act !== undefined ? { act } : {}),
    ...(partOf !== undefined ? { ideaId: partOf.slice('Task/'.length) } : {}),
    ...(focus !== undefined ? { changed: focus } : {}),
    owner: { reference: owner?.reference ?? '', name: owner?.display ?? owner?.reference ?? '' },
    ...(requester !== undefined ? { requester } : {}),
    status: typeof task.status === 'string' ? task.status : 'in-progress',
    lastUpdated: task.meta.lastUpdated,
  };
}

/** The problems with a cycle's fields, by field name (empty when it can be saved). */
export function cycleProblems(fields: CycleFields): { field: keyof CycleFields; message: string }[] {
  const problems: { field: keyof CycleFields; message: string }[] = [];
  if (fields.title.trim() === '') problems.push({ field: 'title', message: 'Give the cycle a short title' });
  else if (fields.title.length > 200) problems.push({ field: 'title', message: 'The title must be 200 characters or fewer' });
  if (fields.change.trim() === '') problems.push({ field: 'change', message: 'Say what you are changing' });
  if (fields.changeDate !== undefined && !isRealDate(fields.changeDate)) {
    problems.push({ field: 'changeDate', message: 'The date of the change must be a real date, like 2026-11-02' });
  }
  if (fields.studyEnd !== undefined && !isRealDate(fields.studyEnd)) {
    problems.push({ field: 'studyEnd', message: 'The date the study closed must be a real date, like 2026-12-14' });
  } else if (fields.studyEnd !== undefined && fields.changeDate !== undefined && fields.studyEnd < fields.changeDate) {
    problems.push({ field: 'studyEnd', message: 'The study cannot close before the change was made' });
  }
  if (fields.changed !== undefined && !CHANGED.test(fields.changed)) {
    problems.push({ field: 'changed', message: 'What changed must be a form (Questionnaire/id), a schedule (Schedule/id) or a service (HealthcareService/id)' });
  }
  if ((fields.measures ?? []).some((m) => !MEASURE_ID.test(m))) problems.push({ field: 'measures', message: 'A measure must be one of the measure library' });
  if (fields.act !== undefined && fields.study?.trim() === '') problems.push({ field: 'study', message: 'Say what happened before deciding what to do' });
  return problems;
}

function checked(fields: CycleFields): void {
  const problems = cycleProblems(fields);
  if (problems.length > 0) throw new FhirError('UNPROCESSABLE', problems.map((p) => p.message).join('. '));
}

function cycleContent(fields: CycleFields): Partial<Resource> {
  const prediction = fields.prediction?.trim() ?? '';
  const study = fields.study?.trim() ?? '';
  const output = [
    ...(study !== '' ? [{ type: partType(Part.study), valueString: study }] : []),
    ...(fields.act !== undefined ? [{ type: partType(Part.act), valueCode: fields.act }] : []),
  ];
  return {
    status: fields.act !== undefined ? 'completed' : 'in-progress',
    description: fields.change.trim(),
    ...(fields.changed !== undefined ? { focus: { reference: fields.changed } } : {}),
    ...(fields.changeDate !== undefined || fields.studyEnd !== undefined
      ? { executionPeriod: { ...(fields.changeDate !== undefined ? { start: fields.changeDate } : {}), ...(fields.studyEnd !== undefined ? { end: fields.studyEnd } : {}) } }
      : {}),
    input: [
      { type: partType(Part.title), valueString: fields.title.trim() },
      ...(prediction !== '' ? [{ type: partType(Part.prediction), valueString: prediction }] : []),
      ...[...new Set(fields.measures ?? [])].map((m) => ({ type: partType(Part.measure), valueCanonical: measureCanonical(m) })),
    ],
    ...(output.length > 0 ? { output } : {}),
  };
}

/**
 * Starts a cycle. From an idea (`ideaId`), the cycle is part of it, and an idea still at the idea
 * stage moves to testing when the person starting the cycle is one of its team's staff.
 */
export async function startCycle(record: Repository, cycle: CycleFields & { reporter: StaffMember; owner: Team; ideaId?: string; now?: number }): Promise<PdsaCycle> {
  checked(cycle);
  const now = new Date(cycle.now ?? Date.now()).toISOString();
  const task: Resource = {
    resourceType: 'Task',
    ...(cycle.ideaId !== undefined ? { partOf: [{ reference: `Task/${cycle.ideaId}` }] } : {}),
    intent: 'plan',
    code: { coding: [{ system: IMPROVEMENT_SYSTEM, code: PDSA_CYCLE, display: 'Plan-do-study-act cycle' }] },
    authoredOn: now,
    lastModified: now,
    requester: { reference: cycle.reporter.role },
    owner: { reference: cycle.owner.reference, display: cycle.owner.name },
    ...cycleContent(cycle),
  };
  const started = cycleOf((await record.create(task)).resource);
  if (cycle.ideaId !== undefined) {
    const idea = await readIdea(record, cycle.ideaId);
    if (idea.stage === Stage.idea && (await ownsIdea(record, idea, cycle.reporter))) {
      await moveIdea(record, idea.id, { stage: Stage.test, by: cycle.reporter, note: `Testing it in the plan-do-study-act cycle "${started.title}".`, ...(cycle.now !== undefined ? { now: cycle.now } : {}) });
    }
  }
  return started;
}

export async function readCycle(record: Repository, id: string): Promise<PdsaCycle> {
  const task = await record.read('Task', id);
  if (!isCycle(task)) throw new FhirError('NOT_FOUND', 'There is no plan-do-study-act cycle with that number.');
  return cycleOf(task);
}

/** Changes a cycle's fields (its plan, its study and what to do next); the rest of the Task stays. */
export async function updateCycle(record: Repository, id: string, fields: CycleFields & { now?: number }): Promise<PdsaCycle> {
  checked(fields);
  const task = await record.read('Task', id);
  if (!isCycle(task)) throw new FhirError('NOT_FOUND', 'There is no plan-do-study-act cycle with that number.');
  const { focus: _focus, executionPeriod: _period, output: _output, ...rest } = task;
  const now = new Date(fields.now ?? Date.now()).toISOString();
  const written = await record.update({ ...rest, lastModified: now, ...cycleContent(fields) }, { ifMatchVersion: task.meta.versionId });
  return cycleOf(written.resource);
}

/** The cycles in the log, most recently changed first; only one idea's when `ideaId` is given. */
export async function listCycles(record: Repository, options: { ideaId?: string; count?: number } = {}): Promise<PdsaCycle[]> {
  const params: [string, string][] = [
    ['code', `${IMPROVEMENT_SYSTEM}|${PDSA_CYCLE}`],
    ['_sort', '-_lastUpdated'],
    ['_count', String(options.count ?? 200)],
  ];
  if (options.ideaId !== undefined) params.push(['part-of', `Task/${options.ideaId}`]);
  const page = await record.search(parseSearchRequest('Task', params, { handling: 'strict' }));
  return page.matches.filter((t) => t.for === undefined).map(cycleOf);
}

/**
 * The change dates of the cycles that use a measure, for its chart: a marker each, labelled with
 * the cycle's title and linking to the cycle. Sorted by date; cycles without a date are left out.
 */
export async function improvementMarkers(record: Repository, measureId: string): Promise<{ date: string; label: string; href: string }[]> {
  const cycles = await listCycles(record, { count: 1000 });
  return cycles
    .filter((c) => c.changeDate !== undefined && c.measures.includes(measureId))
    .map((c) => ({ date: c.changeDate!, label: c.title, href: `/app/staff/improvement/cycles/${c.id}` }))
    .sort((a, b) => a.date.localeCompare(b.date));
}


