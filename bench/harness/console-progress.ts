/**
 * What the person running the benchmark sees while it works: one line per step, and a bar for the
 * long ones (generation, import). All of it goes to stderr so stdout holds only the results table.
 * On a terminal the bar redraws in place; in a log it prints a line at each tenth.
 */
export interface ProgressBar {
  /** `done` of the bar's total, with a short note (counts, rate, memory) */
  update(done: number, note: string): void;
  finish(note: string): void;
}

export interface Reporter {
  /** a step starting: "[sqlite 100k] import: kindred import (child process)" */
  step(text: string): void;
  /** a plain note under the current step */
  note(text: string): void;
  bar(label: string, total: number): ProgressBar;
}

const WIDTH = 24;

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function consoleReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  const tty = stream.isTTY === true;
  const began = Date.now();
  const stamp = (): string => clock((Date.now() - began) / 1000).padStart(6);
  return {
    step: (text) => stream.write(`${stamp()} ▶ ${text}\n`),
    note: (text) => stream.write(`${' '.repeat(9)}${text}\n`),
    bar(label, total) {
      const started = Date.now();
      let lastTenth = -1;
      let lastDraw = 0;
      const render = (done: number, note: string): string => {
        const fraction = total > 0 ? Math.min(1, done / total) : 0;
        const filled = Math.round(fraction * WIDTH);
        const elapsed = (Date.now() - started) / 1000;
        const left = fraction > 0.02 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
        return `${' '.repeat(9)}${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${note}  ${clock(elapsed)} (left ${clock(left)})`;
      };
      return {
        update(done, note) {
          if (tty) {
            const now = Date.now();
            if (now - lastDraw < 200) return;
            lastDraw = now;
            stream.write(`\r${render(done, note)}\u001b[K`);
            return;
          }
          const tenth = total > 0 ? Math.floor((Math.min(done, total) / total) * 10) : 0;
          if (tenth > lastTenth) {
            lastTenth = tenth;
            stream.write(`${render(done, note)}\n`);
          }
        },
        finish(note) {
          stream.write(`${tty ? '\r' : ''}${' '.repeat(9)}${label}: ${note} in ${clock((Date.now() - started) / 1000)}${tty ? '\u001b[K' : ''}\n`);
        },
      };
    },
  };
}

/** For tests and quiet runs: nothing shown. */
export const silentReporter: Reporter = {
  step: () => undefined,
  note: () => undefined,
  bar: () => ({ update: () => undefined, finish: () => undefined }),
};
