/**
 * Issue 6's background work, run by every `kindred serve`: the views' analytics copy kept up to
 * date. On start the built-in views (the measure library's) are installed into the record; then
 * every interval a `view-refresh` job is queued in the store's job table and run: the first run of
 * a process rebuilds every view, later runs apply the record's changes (decision 0017), and each
 * is followed by the deprivation table of the area's LSOAs and a refresh of the measures computed
 * from the views. A run that fails is logged
 * and tried again at the next tick; it never stops the server.
 *
 * It acts as Kindred's insight service, with system read scopes (and the right to install
 * ViewDefinitions), through the access policy and the audit trail like any request.
 */
import { randomUUID } from 'node:crypto';
import { accessibleRecord, auditedRepository, createAuditWriter, parseScopes, type AccessContext, type AccessPolicy, type AuditWriter } from '@kindred/access';
import { BUILT_IN_VIEWS, ensureViewDefinitions, refreshAllMeasures, refreshImdTable, type RefreshReport, type Warehouse } from '@kindred/insight';
import type { Repository, Store } from '@kindred/store';

/** What the insight service may do: read everything, and install its ViewDefinitions. */
const INSIGHT_SCOPE = ['system/*.rs', 'system/ViewDefinition.cru'].join(' ');

export const INSIGHT_ACCESS: AccessContext = Object.freeze({
  subject: 'kindred-insight',
  scopes: parseScopes(INSIGHT_SCOPE),
  tokenId: 'insight',
  expiresAt: new Date(8_640_000_000_000_000),
  issuer: 'urn:kindred:local',
});

export const VIEW_REFRESH_JOB = 'view-refresh';
const LEASE_MS = 10 * 60_000;
const HEARTBEAT_EVERY_MS = 2_000;
/** finished refresh jobs are kept this long, then purged */
const KEEP_JOBS_MS = 24 * 60 * 60_000;

/** The record as Kindred's insight service sees it: access-checked and audited. */
export async function insightRecord(store: Store, accessPolicy: AccessPolicy, audit: AuditWriter, now: number = Date.now()): Promise<Repository> {
  const record = await accessibleRecord(store.repository, INSIGHT_ACCESS, accessPolicy, now);
  return auditedRepository(record.repository, INSIGHT_ACCESS, audit);
}

export interface InsightJobsOptions {
  store: Store;
  accessPolicy: AccessPolicy;
  /** the analytics copy this process keeps */
  warehouse: Warehouse;
  /** the views installed into the record at start; default the measure library's built-in views */
  views?: readonly Record<string, unknown>[];
  /** how often the copy is refreshed; default 60 s; 0: only when runOnce is called */
  everyMs?: number;
  onError?: (what: string, error: unknown) => void;
}

/** What one refresh job did, as kept in the job's result. */
export interface ViewRefreshResult {
  full: boolean;
  views: { view: string; mode: 'full' | 'incremental'; rows: number; rowsWritten: number }[];
  errors: { view: string; message: string }[];
  rowsWritten: number;
  rowsPerSecond: number;
  ms: number;
  measures?: { measures: number; series: number; ms: number };
}

export interface InsightJobs {
  /** the built-in views installed (or the failure logged) */
  readonly ready: Promise<void>;
  /** queues a refresh job and runs it now (the timer calls this); undefined when stopping */
  runOnce(): Promise<ViewRefreshResult | undefined>;
  stop(): Promise<void>;
}

class Stopping extends Error {
  override readonly name = 'Stopping';
}

function summary(report: RefreshReport, full: boolean): ViewRefreshResult {
  return {
    full,
    views: report.views.map((v) => ({ view: v.view, mode: v.mode, rows: v.rows, rowsWritten: v.rowsWritten })),
    errors: report.errors,
    rowsWritten: report.rowsWritten,
    rowsPerSecond: report.rowsPerSecond,
    ms: report.ms,
  };
}

export function startInsightJobs(options: InsightJobsOptions): InsightJobs {
  const { store, accessPolicy, warehouse } = options;
  const audit = createAuditWriter(store.audit);
  const workerId = `insight-${randomUUID()}`;
  const onError = options.onError ?? ((what: string, error: unknown) => process.stderr.write(`${what} failed: ${error instanceof Error ? error.message : String(error)}\n`));
  let stopping = false;
  let refreshedOnce = false;
  /** the deprivation table last loaded, and whether the measures are worked out from the copy as it is */
  let imdFingerprint: string | undefined;
  let measuresCurrent = false;
  let running: Promise<unknown> = Promise.resolve();

  const ready = (async () => {
    const record = await insightRecord(store, accessPolicy, audit);
    await ensureViewDefinitions(record, options.views ?? BUILT_IN_VIEWS);
    await audit.flush();
  })().catch((error: unknown) => onError('Installing the built-in views', error));

  const refresh = async (jobId: string, full: boolean): Promise<ViewRefreshResult> => {
    let lastBeat = 0;
    let beat: Promise<unknown> = Promise.resolve();
    const record = await insightRecord(store, accessPolicy, audit);
    const report = await warehouse.refresh(record, {
      full,
      onProgress: (done, total) => {
        if (stopping) throw new Stopping('Kindred is stopping');
        const now = Date.now();
        if (now - lastBeat < HEARTBEAT_EVERY_MS) return;
        lastBeat = now;
        const progress = total !== undefined && total > 0 ? `${done} of ${total} resources (${Math.floor((done * 100) / total)}%)` : `${done} resources`;
        beat = beat.then(() => store.jobs.heartbeat(jobId, workerId, progress, LEASE_MS)).catch(() => undefined);
      },
    });
    await beat;
    const result = summary(report, full);
    for (const { view, message } of report.errors) onError(`Refreshing the view "${view}"`, new Error(message));
    try {
      // the deprivation of the area's LSOAs, from the store's IMD edition, for the IMD breakdowns
      const imd = await refreshImdTable(warehouse, store.reference);
      // the measures are worked out again only when what they read changed (or the last try failed)
      const changed = full || report.dropped.length > 0 || report.views.some((v) => v.resources > 0) || imd.fingerprint !== imdFingerprint;
      imdFingerprint = imd.fingerprint;
      if (changed) measuresCurrent = false;
      if (!measuresCurrent) {
        result.measures = await refreshAllMeasures(warehouse);
        measuresCurrent = true;
      }
    } catch (error) {
      onError('Refreshing the measures', error);
    }
    return result;
  };

  const runOnce = async (): Promise<ViewRefreshResult | undefined> => {
    await ready;
    if (stopping) return undefined;
    await store.jobs.enqueue(VIEW_REFRESH_JOB, { full: !refreshedOnce, requestedBy: workerId });
    // Each process refreshes its own copy: whichever queued job it claims, it refreshes itself,
    // fully on its own first run (decision 0017).
    const job = await store.jobs.claim(VIEW_REFRESH_JOB, workerId, LEASE_MS);
    if (job === undefined) return undefined;
    const full = !refreshedOnce;
    try {
      const result = await refresh(job.jobId, full);
      refreshedOnce = true;
      await store.jobs.complete(job.jobId, workerId, result);
      await store.jobs.purge(VIEW_REFRESH_JOB, Date.now() - KEEP_JOBS_MS);
      return result;
    } catch (error) {
      if (error instanceof Stopping) {
        await store.jobs.release(job.jobId, workerId);
        return undefined;
      }
      await store.jobs.fail(job.jobId, workerId, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      await audit.flush();
    }
  };

  const tick = (): void => {
    running = running.then(runOnce).catch((error: unknown) => onError('Refreshing the views’ analytics copy', error));
  };
  const everyMs = options.everyMs ?? 60_000;
  // The first refresh starts at once (it is a full one), then every interval.
  const first = everyMs === 0 ? undefined : setTimeout(tick, 0);
  const timer = everyMs === 0 ? undefined : setInterval(tick, everyMs);
  first?.unref();
  timer?.unref();
  return {
    ready,
    runOnce: () => {
      const run = running.then(runOnce);
      running = run.catch(() => undefined);
      return run;
    },
    async stop() {
      stopping = true;
      if (first !== undefined) clearTimeout(first);
      if (timer !== undefined) clearInterval(timer);
      await ready;
      await running;
      await audit.flush();
    },
  };
}
