/**
 * Kindred's remote monitoring acting without a signed-in person (decision 0016): the record as
 * MONITORING_ACCESS may see and change it (only the `system/...` scopes it needs: reading the
 * person and their plan, writing readings, the ward's alert Tasks and messages), every use in the
 * audit trail. The web pages hand it to the monitoring service for the alert and the person's
 * message; the received-text hook uses it for everything, as no person is signed in there.
 *
 * Builds the dependency only; it decides nothing. The audit writer is flushed when the app closes.
 */
import { auditedRepository, createAuditWriter, scopedRepository } from '@kindred/access';
import { MONITORING_ACCESS, type MessageChannels, type MonitoringDeps } from '@kindred/care';
import type { Store } from '@kindred/store';
import type { FastifyInstance } from 'fastify';

export function monitoringDepsFor(app: FastifyInstance, store: Store, channels: MessageChannels): MonitoringDeps {
  const auditWriter = createAuditWriter(store.audit);
  app.addHook('onClose', async () => auditWriter.flush());
  const system = auditedRepository(scopedRepository(store.repository, MONITORING_ACCESS), MONITORING_ACCESS, auditWriter);
  return { system, channels };
}
