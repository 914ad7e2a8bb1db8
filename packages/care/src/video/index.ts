/** Video consultations (decision 0015): the Encounter of a video appointment, its notes and the waiting estimate. */
export {
  CALL_ROLE_TYPE,
  CONSULT_NOTE_TYPE,
  CallRole,
  MODALITY_USED_EXTENSION,
  PRIVACY_ANSWER_EXTENSION,
  PrivacyAnswer,
  VIRTUAL_ENCOUNTER_CLASS,
  encounterModalityOf,
  isPrivacyAnswer,
  modalityUsedOf,
  privacyAnswerOf,
} from './video-vocabulary.ts';
export {
  ConsultationStatus,
  admitToConsultation,
  changeResource,
  checkInToConsultation,
  findConsultation,
  finishConsultation,
  holdConsultation,
  moveConsultationToPhone,
  participantJoined,
  participantLeft,
  type CallParticipant,
  type EncounterParticipant,
} from './video-encounter.ts';
export { MAX_NOTE_LENGTH, readConsultationNote, saveConsultationNote, type ConsultationNote, type SaveNoteInput } from './consultation-note.ts';
export { waitingEstimate, type EstimateInput, type QueuedAppointment, type WaitingEstimate } from './waiting-estimate.ts';
