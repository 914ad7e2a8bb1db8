/** Reading a text message of readings: placeholder, filled in next. */
import type { ParsedReadingText } from './monitoring-api.ts';

export const READING_TEXT_EXAMPLE = 'O2 94 P 88 T 37.8 BP 128/82 RR 18';

export function parseReadingText(_text: string): ParsedReadingText {
  throw new Error('not yet');
}
