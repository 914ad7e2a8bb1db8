/** The triage inbox (issue 4, "Triage and booking"; decision 0013): online requests as Tasks, rows, counts, assignment, notes, outcomes and who else is viewing. */
export {
  CONCERNING_ANSWER_EXTENSION,
  OPEN_STATUSES,
  TRIAGE_OUTCOME_SYSTEM,
  URGENT_PRIORITIES,
  categoryOf,
  isOnlineRequest,
  isOpen,
  isOverdue,
  isUrgent,
  respondByOf,
  routeOf,
} from './triage-vocabulary.ts';
export { ageAt, concerningAnswers, inboxOrder, inboxRow, type ConcerningAnswer, type InboxPatient, type InboxRow } from './inbox-row.ts';
export { InboxFilter, inboxCounts, listInbox, ownersOf, type InboxCounts, type InboxPage, type InboxQuery } from './list-inbox.ts';
export { OutcomeKind, addTriageNote, assignRequest, recordOutcome, type TriageOutcome } from './triage-actions.ts';
export { createViewerRegistry, type ViewerRegistry, type ViewerRegistryOptions } from './viewer-registry.ts';
