/** Booking by modality (issue 4, "Triage and booking"; decision 0013): slots, the slot ledger, appointments, offers, lists and messages. */
export {
  APPOINTMENT_OFFER_CODE,
  BOOKED_BY_EXTENSION,
  CANCELLED_BY_EXTENSION,
  MODALITY_GIVEN_EXTENSION,
  MODALITY_SYSTEM,
  MODALITY_WORDS,
  Modality,
  PARTICIPATION_TYPE_SYSTEM,
  PREFERRED_MODALITY_EXTENSION,
  REBOOKED_AS_EXTENSION,
  isModality,
  modalityCoding,
  modalityOf,
} from './booking-vocabulary.ts';
export { MAX_SLOTS_PER_CALL, createSlots, findFreeSlots, schedulesOf, type FreeSlotQuery, type SlotPlan } from './slots.ts';
export { storeSlotLedger, type SlotLedger } from './slot-ledger.ts';
export { bookAppointment, cancelAppointment, interpreterParticipants, rebookAppointment, recordNoShow, type AppointmentParticipant, type BookingRequest, type RebookRequest } from './book-appointment.ts';
export { offerAppointments, takeUpOffer, type AppointmentOffer, type TakeUp } from './appointment-offers.ts';
export { listAppointmentsForPatient, listDay, londonDay, type DaySlot, type PatientAppointmentQuery } from './appointment-lists.ts';
export { AppointmentTemplate, appointmentDetails, appointmentMessage, londonDate, londonTime, type AppointmentDetails } from './appointment-message.ts';
