/**
 * The storage adapter oidc-provider calls for every model it keeps (sessions, interactions,
 * grants, codes, refresh tokens …), over the store's `oidc_record` table, so every Kindred node
 * shares sign-in state; and registered clients read from `oauth_client`. No state in memory.
 * The adapter interface is oidc-provider's (https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js).
 */
import type { IdentityTables } from '@kindred/store';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** The client metadata property holding every scope a client may be given (oidc-provider's own `scope` may list only its static scopes). */
export const SMART_SCOPE_METADATA = 'kindred_allowed_scope';
const STATIC_SCOPES = new Set(['openid', 'offline_access', 'fhirUser', 'profile']);

/** A registration as oidc-provider reads it: `scope` narrowed to the provider's static scopes, the full list beside it. */
function clientMetadata(registration: Readonly<Record<string, unknown>>): AdapterPayload {
  const allowed = typeof registration.scope === 'string' ? registration.scope : '';
  const statics = allowed.split(' ').filter((s) => STATIC_SCOPES.has(s));
  // With no `scope` oidc-provider would allow every static scope; `openid` alone is the least to allow.
  return { ...registration, scope: statics.length > 0 ? statics.join(' ') : 'openid', [SMART_SCOPE_METADATA]: allowed };
}

export type AdapterFactory = new (model: string) => Adapter;

export function storeAdapter(tables: IdentityTables, now: () => number = Date.now): AdapterFactory {
  const records = tables.oidcRecords;
  return class StoreAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') return; // clients are registered with `kindred client add`, never by the provider
      await records.upsert(this.model, id, { ...payload }, expiresIn ? now() + expiresIn * 1000 : undefined);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const client = await tables.clients.byId(id);
        return client ? clientMetadata(client.registration) : undefined;
      }
      return (await records.find(this.model, id, now()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await records.findByUserCode(this.model, userCode, now()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await records.findByUid(this.model, uid, now()));
    }

    async consume(id: string): Promise<void> {
      await records.consume(this.model, id, now());
    }

    async destroy(id: string): Promise<void> {
      await records.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await records.revokeByGrantId(grantId);
    }
  };
}
