/** Who else is viewing a request: entries per request and person, expiring after the time given. */
import { describe, expect, it } from 'vitest';
import { createViewerRegistry } from './viewer-registry.ts';

describe('viewer registry', () => {
  it('lists the others looking at a request, longest first, and drops those gone quiet', () => {
    let t = 0;
    const viewers = createViewerRegistry({ ttlMs: 60_000, now: () => t });
    viewers.viewing('task-1', 'Dr North');
    t = 10_000;
    viewers.viewing('task-1', 'Desk');
    viewers.viewing('task-2', 'Dr South');
    expect(viewers.others('task-1', 'Desk')).toEqual(['Dr North']);
    expect(viewers.others('task-1', 'Someone else')).toEqual(['Dr North', 'Desk']);
    expect(viewers.others('task-3', 'Desk')).toEqual([]);
    t = 65_000; // Dr North's entry (last renewed at 0) has lapsed; Desk's has not
    expect(viewers.others('task-1', 'Someone else')).toEqual(['Desk']);
    viewers.viewing('task-1', 'Desk'); // renewed
    t = 120_000;
    expect(viewers.others('task-1', 'Someone else')).toEqual(['Desk']);
    viewers.left('task-1', 'Desk');
    expect(viewers.others('task-1', 'Someone else')).toEqual([]);
  });

  it('two registries share nothing', () => {
    const a = createViewerRegistry({ ttlMs: 1000 });
    const b = createViewerRegistry({ ttlMs: 1000 });
    a.viewing('task-1', 'Desk');
    expect(b.others('task-1', 'x')).toEqual([]);
    expect(() => createViewerRegistry({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
