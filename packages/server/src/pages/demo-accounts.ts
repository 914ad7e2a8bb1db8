/**
 * The demo area's accounts (made by `kindred demo`, kept in the store's settings under
 * `demo-accounts`), for the home page of a server started with `kindred serve --demo`: who to
 * sign in as, with which password, and for staff the current one-time code. Only a demo server
 * shows them; the setting exists only in a demo store.
 */
import { totpCode } from '@kindred/access';
import type { Settings } from '@kindred/store';
import { html, type SafeHtml } from './html.ts';

export const DEMO_ACCOUNTS_SETTING = 'demo-accounts';

export interface DemoAccount {
  username: string;
  password: string;
  displayName: string;
  /** plain English: "GP at Riverside Medical Practice" */
  role: string;
  fhirUser: string;
  /** the base32 TOTP secret of a staff account, so the home page can show the current code */
  totpSecret?: string;
  frontDoor: 'person' | 'staff' | 'volunteer';
}

function isDemoAccount(value: unknown): value is DemoAccount {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['username', 'password', 'displayName', 'role', 'fhirUser', 'frontDoor'].every((k) => typeof v[k] === 'string') && (v.totpSecret === undefined || typeof v.totpSecret === 'string');
}

export async function readDemoAccounts(settings: Settings): Promise<DemoAccount[]> {
  const stored = await settings.get(DEMO_ACCOUNTS_SETTING);
  if (stored === undefined) return [];
  try {
    const parsed = JSON.parse(stored) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isDemoAccount) : [];
  } catch {
    return [];
  }
}

const FRONT_DOOR_NAMES = { person: 'People and carers', staff: 'Staff', volunteer: 'Volunteers' } as const;

/** The home page's demo section: a table per front door. */
export function demoAccountsSection(accounts: readonly DemoAccount[], now: number): SafeHtml {
  if (accounts.length === 0) return html``;
  const doors = (['person', 'staff', 'volunteer'] as const).filter((door) => accounts.some((a) => a.frontDoor === door));
  return html`<h2 id="demo-accounts">Try the demo area</h2>
      <p>This server runs on made-up demo data. <a href="/app">Sign in to the web app</a> as any of these people. Staff also need a one-time code: use the one shown here (it changes every 30 seconds; reload the page for a new one).</p>
      ${doors.map(
        (door) => html`<table class="nhsuk-table">
        <caption class="nhsuk-table__caption">${FRONT_DOOR_NAMES[door]}</caption>
        <thead class="nhsuk-table__head"><tr><th scope="col" class="nhsuk-table__header">Who</th><th scope="col" class="nhsuk-table__header">Username</th><th scope="col" class="nhsuk-table__header">Password</th>${door === 'person' ? html`` : html`<th scope="col" class="nhsuk-table__header">One-time code</th>`}</tr></thead>
        <tbody class="nhsuk-table__body">
          ${accounts
            .filter((a) => a.frontDoor === door)
            .map(
              (a) => html`<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">${a.displayName}<br><span class="nhsuk-body-s">${a.role}</span></td><td class="nhsuk-table__cell"><code>${a.username}</code></td><td class="nhsuk-table__cell"><code>${a.password}</code></td>${door === 'person' ? html`` : html`<td class="nhsuk-table__cell">${a.totpSecret !== undefined ? html`<code>${totpCode(a.totpSecret, now)}</code>` : 'Not needed'}</td>`}</tr>`,
            )}
        </tbody>
      </table>`,
      )}`;
}
