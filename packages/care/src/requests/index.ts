/** Online requests that never dead-end (issue 4; decision 0013): the form, red flags, capacity, submission and tracking. */
export * from './request-vocabulary.ts';
export {
  currentRequestQuestionnaire,
  defaultRequestQuestionnaire,
  ensureRequestQuestionnaire,
  type EnableWhen,
  type QuestionnaireItem,
} from './request-questionnaire.ts';
export { answerErrors, enabledItems, evaluateRedFlags, hasUrgentAnswer, readAnswers, responseItems, type AnswerValue, type RedFlag, type RequestAnswers } from './request-answers.ts';
export {
  callBackSchedules,
  callBackSlots,
  capacityNow,
  capacityOf,
  countRequestsToday,
  DEFAULT_CAPACITY,
  readCapacity,
  replyByFor,
  type CapacityNow,
  type OnlineHours,
  type RequestCapacity,
} from './capacity.ts';
export { isChildOn, MAX_REASON_LENGTH, submitRequest, type RequestSubmission, type SubmitOutcome } from './submit-request.ts';
export { listRequestsForPatient, requestReceivedMessage, requestReference, requestStatusForPerson, whenInWords, type RequestStatus } from './request-status.ts';
export { dayInWords, timeInWords } from './london-time.ts';
