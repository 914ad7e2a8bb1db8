/**
 * The words and tags every front door uses for a request's route and stage and an appointment's
 * status, so the person, the inbox, the person's page and the equity view say the same thing.
 * Pure: codes in, words out.
 */
import type { RequestRoute, RequestStage } from '@kindred/care';
import type { SafeHtml } from '../../pages/html.ts';
import { tag, type TagColour } from '../components.ts';

/** How a request came in (decision 0013's request-route). */
export const ROUTE_WORDS: Readonly<Record<RequestRoute, string>> = {
  'online-self': 'Online, by themself',
  'online-assisted': 'Online, with help',
  phone: 'By phone',
  'in-person': 'In person',
};

export function routeWords(route: string | undefined): string {
  return route !== undefined && route in ROUTE_WORDS ? ROUTE_WORDS[route as RequestRoute] : 'Not recorded';
}

export interface StatusTag {
  text: string;
  colour: TagColour;
}

/** Where a request stands, as the person sees it (requestStatusForPerson). */
export const STAGE_TAG: Readonly<Record<RequestStage, StatusTag>> = {
  received: { text: 'Received', colour: 'blue' },
  triaged: { text: 'Being looked at', colour: 'yellow' },
  booked: { text: 'Booked', colour: 'green' },
  replied: { text: 'Replied', colour: 'green' },
  closed: { text: 'Closed', colour: 'grey' },
};

const APPOINTMENT_STATUS: Readonly<Record<string, StatusTag>> = {
  proposed: { text: 'Offered', colour: 'purple' },
  pending: { text: 'Offered', colour: 'purple' },
  booked: { text: 'Booked', colour: 'blue' },
  arrived: { text: 'Arrived', colour: 'green' },
  'checked-in': { text: 'Checked in', colour: 'green' },
  fulfilled: { text: 'Seen', colour: 'green' },
  noshow: { text: 'Did not attend', colour: 'red' },
  cancelled: { text: 'Cancelled', colour: 'grey' },
  'entered-in-error': { text: 'Entered in error', colour: 'grey' },
};

/** An Appointment.status (http://hl7.org/fhir/R4/valueset-appointmentstatus.html) as a tag. */
export function appointmentStatusTag(status: unknown): StatusTag {
  return (typeof status === 'string' ? APPOINTMENT_STATUS[status] : undefined) ?? { text: typeof status === 'string' ? status : 'Unknown', colour: 'grey' };
}

export function appointmentTag(status: unknown): SafeHtml {
  const { text, colour } = appointmentStatusTag(status);
  return tag(text, colour);
}

export function stageTag(stage: RequestStage): SafeHtml {
  return tag(STAGE_TAG[stage].text, STAGE_TAG[stage].colour);
}
