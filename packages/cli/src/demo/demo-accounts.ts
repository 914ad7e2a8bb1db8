/**
 * The demo's sign-in accounts, one for each role a newcomer wants to try: a person, a carer, each
 * practice's GP, nurse and receptionist, a hospital and a mental health clinician, a social worker,
 * a care coordinator, a privacy officer and a volunteer. Made through the accounts API like any
 * other; staff accounts have TOTP, and their secret is kept with the list so the home page can
 * show a current code in demo mode (and only there: this list is public by design).
 *
 * The list lives in the store's settings under 'demo-accounts'; `readDemoAccounts` reads it back.
 */
import { createAccounts, type Accounts } from '@kindred/access';
import { FhirError } from '@kindred/fhir';
import { DEMO_ACCOUNTS_SETTING, readDemoAccounts, type DemoAccount } from '@kindred/server';
import type { IdentityTables, MessageOutbox } from '@kindred/store';
import { ORGANISATIONS, STAFF, staffName, type StaffKey } from './demo-organisations.ts';

// The list's shape and reader are the home page's (the server shows it); the demo writes it.
export { DEMO_ACCOUNTS_SETTING, readDemoAccounts, type DemoAccount };

export const FrontDoor = { person: 'person', staff: 'staff', volunteer: 'volunteer' } as const;
export type FrontDoor = (typeof FrontDoor)[keyof typeof FrontDoor];

/** Who the person and carer accounts are: chosen from the generated people. */
export interface DemoAccountPeople {
  person?: { id: string; name: string; practice: string };
  carer?: { id: string; name: string; personName: string };
}

interface PlannedAccount {
  username: string;
  displayName: string;
  role: string;
  fhirUser: string;
  frontDoor: FrontDoor;
  totp: boolean;
  volunteer: boolean;
}

const STAFF_ACCOUNTS: readonly { username: string; staff: StaffKey }[] = [
  { username: 'gp', staff: 'riversideGp' },
  { username: 'nurse', staff: 'riversideNurse' },
  { username: 'receptionist', staff: 'riversideReceptionist' },
  { username: 'receptionist.hillview', staff: 'hillviewReceptionist' },
  { username: 'gp.hillview', staff: 'hillviewGp' },
  { username: 'hospital', staff: 'hospitalClinician' },
  { username: 'mental-health', staff: 'mentalHealthClinician' },
  { username: 'social-worker', staff: 'socialWorker' },
  { username: 'care-coordinator', staff: 'careCoordinator' },
  { username: 'privacy-officer', staff: 'privacyOfficer' },
  { username: 'volunteer', staff: 'goodNeighboursVolunteer' },
];

const passwordOf = (username: string): string => `demo-${username.replace(/\./g, '-')}-password`;
const usernameOf = (name: string): string => `demo.${name}`;

export function plannedAccounts(people: DemoAccountPeople): PlannedAccount[] {
  const { person, carer } = people;
  return [
    ...(person
      ? [{ username: usernameOf('person'), displayName: person.name, role: `A person registered with ${person.practice}`, fhirUser: `Patient/${person.id}`, frontDoor: FrontDoor.person, totp: false, volunteer: false }]
      : []),
    ...(carer
      ? [{ username: usernameOf('carer'), displayName: carer.name, role: `Carer for ${carer.personName}`, fhirUser: `RelatedPerson/${carer.id}`, frontDoor: FrontDoor.person, totp: false, volunteer: false }]
      : []),
    ...STAFF_ACCOUNTS.map(({ username, staff: key }) => {
      const s = STAFF[key];
      const volunteer = s.role === 'volunteer';
      return {
        username: usernameOf(username),
        displayName: staffName(s),
        role: `${s.job} at ${ORGANISATIONS[s.organisation].name}`,
        fhirUser: `Practitioner/${s.id}`,
        frontDoor: volunteer ? FrontDoor.volunteer : FrontDoor.staff,
        totp: !volunteer,
        volunteer,
      };
    }),
  ];
}

function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (secret === null) throw new Error('the otpauth URI has no secret');
  return secret;
}

/** Makes the accounts; refuses (and says which) when one of the usernames is taken already. */
export async function createDemoAccounts(identity: IdentityTables, outbox: MessageOutbox, people: DemoAccountPeople, accounts: Accounts = createAccounts(identity, outbox)): Promise<DemoAccount[]> {
  const planned = plannedAccounts(people);
  for (const p of planned) {
    if ((await accounts.byUsername(p.username)) !== undefined) {
      throw new FhirError('PRECONDITION_FAILED', `The account "${p.username}" exists already, so the demo accounts cannot be made here. Use an empty data folder or database for the demo.`);
    }
  }
  const made: DemoAccount[] = [];
  for (const p of planned) {
    const password = passwordOf(p.username.replace(/^demo\./, ''));
    const { totpUri } = await accounts.add({ username: p.username, displayName: p.displayName, fhirUser: p.fhirUser, password, totp: p.totp, volunteer: p.volunteer });
    made.push({
      username: p.username,
      password,
      displayName: p.displayName,
      role: p.role,
      fhirUser: p.fhirUser,
      ...(totpUri !== undefined ? { totpSecret: secretOf(totpUri) } : {}),
      frontDoor: p.frontDoor,
    });
  }
  return made;
}

