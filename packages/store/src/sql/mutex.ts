/**
 * A first-come, first-served async lock. The SQLite driver holds it for the life of a write
 * transaction so that other requests in the same process cannot slip statements into it while it
 * awaits (better-sqlite3 has one connection per handle and no notion of a per-request session).
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}
