/**
 * Who else is looking at a request (issue 4: "who else is viewing"), so two members of staff do
 * not triage the same request at once without knowing. In memory, owned by the server (one per
 * app, handed down; no module-level state); an entry lapses `ttlMs` after it was last renewed, so
 * a closed tab drops out on its own. Not the record: nothing here is written anywhere.
 */

export interface ViewerRegistry {
  /** `who` is looking at the request now (renews their entry) */
  viewing(taskId: string, who: string): void;
  /** the others looking at the request now, longest first */
  others(taskId: string, who: string): string[];
  /** `who` has left the request */
  left(taskId: string, who: string): void;
}

export interface ViewerRegistryOptions {
  ttlMs: number;
  now?: () => number;
}

export function createViewerRegistry(options: ViewerRegistryOptions): ViewerRegistry {
  const ttlMs = options.ttlMs;
  const now = options.now ?? Date.now;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`ttlMs must be a positive number of milliseconds; it was ${ttlMs}`);
  /** task id → viewer → [first seen, last seen] */
  const byTask = new Map<string, Map<string, [number, number]>>();

  const live = (taskId: string): Map<string, [number, number]> | undefined => {
    const viewers = byTask.get(taskId);
    if (viewers === undefined) return undefined;
    const cutoff = now() - ttlMs;
    for (const [who, [, last]] of viewers) if (last <= cutoff) viewers.delete(who);
    if (viewers.size === 0) {
      byTask.delete(taskId);
      return undefined;
    }
    return viewers;
  };

  const sweep = () => {
    for (const taskId of [...byTask.keys()]) live(taskId);
  };

  return {
    viewing(taskId, who) {
      // a sweep now and then keeps requests nobody looks at again from piling up
      if (byTask.size > 1000) sweep();
      const viewers = live(taskId) ?? new Map<string, [number, number]>();
      const t = now();
      viewers.set(who, [viewers.get(who)?.[0] ?? t, t]);
      byTask.set(taskId, viewers);
    },
    others(taskId, who) {
      const viewers = live(taskId);
      if (viewers === undefined) return [];
      return [...viewers.entries()].filter(([name]) => name !== who).sort((a, b) => a[1][0] - b[1][0]).map(([name]) => name);
    },
    left(taskId, who) {
      const viewers = byTask.get(taskId);
      viewers?.delete(who);
      if (viewers?.size === 0) byTask.delete(taskId);
    },
  };
}
