/**
 * The "Making Data Count" summary icons as small standalone SVGs: the variation icon (what the last
 * point says: common cause, or special cause of improvement, concern or neither, high or low) and the
 * assurance icon (whether the process will meet its target). Each carries a letter as well as a colour
 * and a <title>, so that colour is never the only cue. Also the shared text escaping and colours.
 */
import type { AssuranceIcon, Improvement, PointType } from './xmr.ts';

/** NHS identity colours used by Making Data Count. */
export const SPC_COLOURS = {
  improvement: '#41B6E6',
  concern: '#ED8B00',
  neutral: '#7030A0',
  common: '#A6A6A6',
  target: '#DA291C',
  text: '#212b32',
  line: '#425563',
} as const;

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function pointColour(type: PointType): string {
  switch (type) {
    case 'special_cause_improvement':
      return SPC_COLOURS.improvement;
    case 'special_cause_concern':
      return SPC_COLOURS.concern;
    case 'special_cause_neutral_high':
    case 'special_cause_neutral_low':
      return SPC_COLOURS.neutral;
    case 'common_cause':
      return SPC_COLOURS.common;
  }
}

/** Whether the special cause is on the high side, given which way is better; undefined for common cause. */
export function isHigh(type: PointType, improvement: Improvement): boolean | undefined {
  switch (type) {
    case 'special_cause_neutral_high':
      return true;
    case 'special_cause_neutral_low':
      return false;
    case 'special_cause_improvement':
      return improvement !== 'decrease';
    case 'special_cause_concern':
      return improvement === 'decrease';
    case 'common_cause':
      return undefined;
  }
}

/** Plain-English meaning of a variation icon. */
export function variationMeaning(type: PointType | null, improvement: Improvement): string {
  if (type === null) return 'No variation icon: fewer than 13 points.';
  const side = isHigh(type, improvement) ? 'high' : 'low';
  switch (type) {
    case 'common_cause':
      return 'Common cause variation: no significant change.';
    case 'special_cause_improvement':
      return `Special cause variation of an improving nature (${side} values).`;
    case 'special_cause_concern':
      return `Special cause variation of a concerning nature (${side} values).`;
    case 'special_cause_neutral_high':
    case 'special_cause_neutral_low':
      return `Special cause variation, ${side} values (neither improvement nor concern).`;
  }
}

/** Plain-English meaning of an assurance icon. */
export function assuranceMeaning(type: AssuranceIcon | null): string {
  switch (type) {
    case 'consistent_pass':
      return 'The system is expected to consistently meet the target.';
    case 'consistent_fail':
      return 'The system is expected to consistently miss the target unless something changes.';
    case 'inconsistent':
      return 'The system may achieve or miss the target at random (the target lies between the process limits).';
    case null:
      return 'No assurance icon: no target, no improvement direction, or fewer than 13 points.';
  }
}

function iconFrame(label: string, colour: string, body: string): string {
  const t = escapeXml(label);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-spc-icon" viewBox="0 0 40 40" width="40" height="40" role="img" aria-label="${t}">` +
    `<title>${t}</title><circle cx="20" cy="20" r="17" fill="#ffffff" stroke="${colour}" stroke-width="3"/>${body}</svg>`
  );
}

function letter(text: string, colour: string): string {
  return `<text x="20" y="26" text-anchor="middle" font-family="Arial, sans-serif" font-size="17" font-weight="bold" fill="${colour}">${escapeXml(text)}</text>`;
}

/** The variation icon of a point type ('' when there is none). */
export function variationIconSvg(type: PointType | null, improvement: Improvement): string {
  if (type === null) return '';
  const colour = pointColour(type);
  const label = `Variation: ${variationMeaning(type, improvement)}`;
  if (type === 'common_cause') {
    return iconFrame(label, colour, `<polyline points="9,22 14,17 19,24 24,15 29,21 32,19" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`);
  }
  return iconFrame(label, colour, letter(isHigh(type, improvement) ? 'H' : 'L', colour));
}

/** The assurance icon ('' when there is none). */
export function assuranceIconSvg(type: AssuranceIcon | null): string {
  if (type === null) return '';
  const label = `Assurance: ${assuranceMeaning(type)}`;
  switch (type) {
    case 'consistent_pass':
      return iconFrame(label, SPC_COLOURS.improvement, letter('P', SPC_COLOURS.improvement));
    case 'consistent_fail':
      return iconFrame(label, SPC_COLOURS.concern, letter('F', SPC_COLOURS.concern));
    case 'inconsistent':
      return iconFrame(label, SPC_COLOURS.common, letter('?', SPC_COLOURS.line));
  }
}
