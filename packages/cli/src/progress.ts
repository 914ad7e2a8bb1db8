/**
 * A progress display for long CLI work. On a terminal: one line redrawn in place (bar, percent,
 * counts, rate, time left). Elsewhere (CI logs, pipes): a plain line at each tenth of the work, so
 * logs stay readable. Writes to stderr so stdout stays clean for results.
 */
export interface Progress {
  /** `done` of `total` units (bytes, resources …) with a short note such as "12,345 resources" */
  update(done: number, note: string): void;
  finish(note: string): void;
}

const WIDTH = 28;

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let lastDraw = 0;
  const line = (done: number, note: string): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * WIDTH);
    const elapsed = (Date.now() - started) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    return `${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${note}  elapsed ${clock(elapsed)}  left ${clock(eta)}`;
  };
  return {
    update(done, note) {
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        stream.write(`\r${line(done, note)}\u001b[K`);
        return;
      }
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 0;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${line(done, note)}\n`);
      }
    },
    finish(note) {
      const elapsed = (Date.now() - started) / 1000;
      stream.write(`${tty ? '\r' : ''}${label} done: ${note} in ${clock(elapsed)}${tty ? '\u001b[K' : ''}\n`);
    },
  };
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}
