/**
 * The `oauth_client` table: the apps registered to use Kindred's sign-in service (SMART apps and
 * backend services). Stores each client's registration as given; what it means (public or
 * confidential, allowed scopes, keys) is decided in @kindred/access identity, not here.
 */
import { FhirError } from '@kindred/fhir';
import type { SqlDriver } from '../sql/driver.ts';

export interface OAuthClientRecord {
  clientId: string;
  name: string;
  /** the registration as JSON-ready data (redirect uris, auth method, keys, scopes) */
  registration: Readonly<Record<string, unknown>>;
  createdAt: number;
}

export interface OAuthClientTable {
  /** FhirError CONFLICT (409) when the client id is taken */
  insert(record: OAuthClientRecord): Promise<void>;
  byId(clientId: string): Promise<OAuthClientRecord | undefined>;
  list(): Promise<OAuthClientRecord[]>;
  remove(clientId: string): Promise<boolean>;
}

interface ClientRow {
  client_id: string;
  name: string;
  registration: string;
  created_at: number | string;
}

const toRecord = (row: ClientRow): OAuthClientRecord => ({
  clientId: row.client_id,
  name: row.name,
  registration: JSON.parse(row.registration) as Record<string, unknown>,
  createdAt: Number(row.created_at),
});

export function sqlOAuthClientTable(driver: SqlDriver): OAuthClientTable {
  return {
    async insert(r) {
      const changed = await driver.execute('INSERT INTO oauth_client (client_id, name, registration, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING', [
        r.clientId,
        r.name,
        JSON.stringify(r.registration),
        r.createdAt,
      ]);
      if (changed === 0) throw new FhirError('CONFLICT', `There is already a client with the id "${r.clientId}".`);
    },
    async byId(clientId) {
      const rows = await driver.query<ClientRow>('SELECT client_id, name, registration, created_at FROM oauth_client WHERE client_id = ?', [clientId]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async list() {
      return (await driver.query<ClientRow>('SELECT client_id, name, registration, created_at FROM oauth_client ORDER BY client_id')).map(toRecord);
    },
    async remove(clientId) {
      return (await driver.execute('DELETE FROM oauth_client WHERE client_id = ?', [clientId])) === 1;
    },
  };
}
