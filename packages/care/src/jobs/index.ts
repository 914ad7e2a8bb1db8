/** Background work of issue 4: the appointment reminder sweep and the outbox sender. */
export { deliverOutbox, type DeliverOptions, type DeliveryFailure, type DeliveryReport } from './deliver-outbox.ts';
export { reminderReference, sendDueReminders, type ReminderOptions, type ReminderReport } from './send-due-reminders.ts';
