/**
 * Reads a text message of readings (decision 0016, "Text messages"): `O2 94 P 88 T 37.8 BP 128/82
 * RR 18 WT 70.5`, labels in any case with common aliases, tolerant of commas, colons, `%`, `C`,
 * `bpm`, extra spaces and line breaks, and of labels written against their value (`P88`).
 *
 * Nothing is ever silently dropped: every word that is not a label, a value or a unit is a problem,
 * and any problem means the reply quotes what could not be read and shows an example (the caller
 * then records nothing). Digits from other scripts are read as their value when Unicode's
 * compatibility form gives 0–9 (full-width digits) or they are Arabic-Indic or Indic digits.
 *
 * Pure: text in, values or problems out.
 */
import type { ParsedReadingText, ReadingValues } from './monitoring-api.ts';
import { PLAUSIBLE } from './news2.ts';

export const READING_TEXT_EXAMPLE = 'O2 94 P 88 T 37.8 BP 128/82 RR 18';
/** Longer than this is not a text of readings (four text message parts). */
export const READING_TEXT_MAX_CHARS = 612;

type NumberPart = 'spo2' | 'pulse' | 'temperature' | 'respiratoryRate' | 'weight';
type YesNoPart = 'onOxygen' | 'confused' | 'symptomsWorse';
type Part = NumberPart | YesNoPart | 'bloodPressure';

const LABELS: Readonly<Record<string, Part>> = {
  SPO2: 'spo2',
  SP02: 'spo2',
  SATS: 'spo2',
  SAT: 'spo2',
  O2: 'spo2',
  OX: 'spo2',
  P: 'pulse',
  PULSE: 'pulse',
  HR: 'pulse',
  T: 'temperature',
  TEMP: 'temperature',
  BP: 'bloodPressure',
  RR: 'respiratoryRate',
  RESP: 'respiratoryRate',
  BREATHS: 'respiratoryRate',
  WT: 'weight',
  WEIGHT: 'weight',
  KG: 'weight',
  OXYGEN: 'onOxygen',
  CONFUSED: 'confused',
  WORSE: 'symptomsWorse',
};
/** longest first, so "SPO2" is tried before "P" and "O2" */
const LABELS_BY_LENGTH = Object.keys(LABELS).sort((a, b) => b.length - a.length);

const WORDS: Readonly<Record<Part, string>> = {
  spo2: 'Oxygen level',
  pulse: 'Pulse',
  temperature: 'Temperature',
  respiratoryRate: 'Breathing rate',
  weight: 'Weight',
  bloodPressure: 'Blood pressure',
  onOxygen: 'On oxygen',
  confused: 'Confused',
  symptomsWorse: 'Worse',
};

const EXAMPLES: Readonly<Record<Part, string>> = {
  spo2: 'O2 94',
  pulse: 'P 88',
  temperature: 'T 37.8',
  respiratoryRate: 'RR 18',
  weight: 'WT 70.5',
  bloodPressure: 'BP 128/82',
  onOxygen: 'OXYGEN YES',
  confused: 'CONFUSED NO',
  symptomsWorse: 'WORSE NO',
};

const UNITS: Readonly<Record<NumberPart | 'bloodPressure', readonly string[]>> = {
  spo2: ['%'],
  pulse: ['BPM', '/MIN'],
  temperature: ['C', '°C', '°', 'DEGREES'],
  respiratoryRate: ['/MIN', 'BPM'],
  weight: ['KG', 'KGS'],
  bloodPressure: ['MMHG'],
};

const RANGES: Readonly<Record<NumberPart, { min: number; max: number; unit: string }>> = {
  spo2: PLAUSIBLE.spo2,
  pulse: PLAUSIBLE.pulse,
  temperature: PLAUSIBLE.temperature,
  respiratoryRate: PLAUSIBLE.respiratoryRate,
  weight: { min: 1, max: 400, unit: 'kg' },
};

/** Zeros of the digit blocks read besides 0–9 (Arabic-Indic, extended Arabic-Indic, Devanagari … Malayalam). */
const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66];

function asciiDigits(text: string): string {
  return text.normalize('NFKC').replace(/\p{Nd}/gu, (digit) => {
    const cp = digit.codePointAt(0) ?? 0;
    const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9);
    return zero === undefined ? digit : String(cp - zero);
  });
}

interface Token {
  /** as the person wrote it, for quoting */
  raw: string;
  upper: string;
}

function tokensOf(text: string): Token[] {
  const cleaned = asciiDigits(text)
    .replace(/\s*\/\s*/g, '/')
    .replace(/[,;:=]+/g, ' ');
  return cleaned
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((raw) => ({ raw, upper: raw.toUpperCase() }));
}

/** "P88" → "P", "88"; "SPO294%" → "SPO2", "94%"; only when a digit follows the label. */
function splitGlued(token: Token): Token[] | undefined {
  for (const label of LABELS_BY_LENGTH) {
    if (token.upper.startsWith(label) && /^\d/.test(token.upper.slice(label.length))) {
      const rest = token.raw.slice(label.length);
      return [
        { raw: token.raw.slice(0, label.length), upper: label },
        { raw: rest, upper: rest.toUpperCase() },
      ];
    }
  }
  return undefined;
}

const YES = new Set(['YES', 'Y']);
const NO = new Set(['NO', 'N']);

export function parseReadingText(text: string): ParsedReadingText {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const seen = new Map<Part, string>();

  if (text.length > READING_TEXT_MAX_CHARS) {
    return withReply({}, [`Your message is too long for us to read (${text.length.toLocaleString('en-GB')} characters). Send only your readings.`]);
  }
  const tokens = tokensOf(text).flatMap((t) => (LABELS[t.upper] === undefined ? splitGlued(t) ?? [t] : [t]));
  if (tokens.length === 0) return withReply({}, ['Your message was empty.']);

  const set = (part: Part, value: unknown, said: string): void => {
    const before = seen.get(part);
    if (before !== undefined && before !== said) {
      problems.push(`${WORDS[part]} was given twice with different values (${before} and ${said}): send it once.`);
      return;
    }
    seen.set(part, said);
    values[part] = value;
  };

  let unknown: string[] = [];
  const flushUnknown = (): void => {
    if (unknown.length === 0) return;
    problems.push(`We could not read "${unknown.join(' ')}".`);
    unknown = [];
  };

  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    // "ON O2", "ON OXYGEN": breathing oxygen now
    if (token.upper === 'ON' && (next?.upper === 'O2' || next?.upper === 'OXYGEN')) {
      flushUnknown();
      set('onOxygen', true, 'yes');
      i += 1;
      continue;
    }
    const part = LABELS[token.upper];
    if (part === undefined) {
      unknown.push(token.raw);
      continue;
    }
    flushUnknown();
    if (next === undefined || LABELS[next.upper] !== undefined) {
      problems.push(`"${token.raw}" needs a value after it, like ${EXAMPLES[part]}.`);
      continue;
    }
    i += 1;
    if (part === 'onOxygen' || part === 'confused' || part === 'symptomsWorse') {
      if (YES.has(next.upper) || NO.has(next.upper)) {
        const yes = YES.has(next.upper);
        set(part, yes, yes ? 'yes' : 'no');
      } else {
        problems.push(`"${token.raw} ${next.raw}" should be YES or NO, like ${EXAMPLES[part]}.`);
      }
      continue;
    }
    // a unit on its own after the value: "94 %", "37.8 C", "88 bpm"
    const unitAfter = tokens[i + 1];
    const unitsOf = UNITS[part];
    const separateUnit = unitAfter !== undefined && unitsOf.includes(unitAfter.upper);
    const said = `${token.raw} ${next.raw}${separateUnit ? ` ${unitAfter.raw}` : ''}`;
    if (separateUnit) i += 1;
    if (part === 'bloodPressure') {
      readBloodPressure(next.upper, said, problems, (systolic, diastolic) => set('bloodPressure', { systolic, diastolic }, `${systolic}/${diastolic}`));
      continue;
    }
    const number = readNumber(next.upper, unitsOf);
    if (number === undefined) {
      problems.push(
        /^\d+(\.\d+)?F$/.test(next.upper)
          ? `Give your temperature in degrees Celsius, like ${EXAMPLES.temperature}.`
          : `We could not read "${said}": ${WORDS[part].toLowerCase()} needs a number, like ${EXAMPLES[part]}.`,
      );
      continue;
    }
    const range = RANGES[part];
    if (number < range.min || number > range.max) {
      const guess = part === 'temperature' ? [number * 10, number / 10].find((g) => g >= range.min && g <= range.max) : undefined;
      problems.push(
        `${WORDS[part]} ${next.raw} is not a possible reading (it should be between ${range.min} and ${range.max}${range.unit === '%' ? '%' : ` ${range.unit}`})` +
          (guess !== undefined ? `: did you mean ${EXAMPLES[part].split(' ')[0]} ${Number(guess.toFixed(1))}?` : '.'),
      );
      continue;
    }
    set(part, number, String(number));
  }
  flushUnknown();

  const readings = toReadingValues(values);
  if (problems.length === 0 && Object.keys(readings).length === 0) problems.push('We could not find any readings in your message.');
  return problems.length > 0 ? withReply(readings, problems) : { values: readings, problems: [] };
}

function readNumber(token: string, units: readonly string[]): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(.*)$/.exec(token);
  if (match === null) return undefined;
  const unit = match[2] ?? '';
  if (unit !== '' && !units.includes(unit)) return undefined;
  return Number(match[1]);
}

function readBloodPressure(token: string, said: string, problems: string[], accept: (systolic: number, diastolic: number) => void): void {
  const match = /^(\d+)\/(\d+)(MMHG)?$/.exec(token);
  if (match === null) {
    problems.push(
      /^\d+(MMHG)?$/.test(token)
        ? `Blood pressure needs both numbers, the top and the bottom one, like ${EXAMPLES.bloodPressure}. We read "${said}".`
        : `We could not read "${said}": blood pressure needs two numbers, like ${EXAMPLES.bloodPressure}.`,
    );
    return;
  }
  const systolic = Number(match[1]);
  const diastolic = Number(match[2]);
  if (systolic < 40 || systolic > PLAUSIBLE.systolic.max || diastolic < 20 || diastolic > 200 || diastolic >= systolic) {
    problems.push(`Blood pressure ${systolic}/${diastolic} is not a possible reading: check the numbers, top one first, like ${EXAMPLES.bloodPressure}.`);
    return;
  }
  accept(systolic, diastolic);
}

function toReadingValues(values: Record<string, unknown>): ReadingValues {
  const out: ReadingValues = {};
  if (typeof values.spo2 === 'number') out.spo2 = values.spo2;
  if (typeof values.pulse === 'number') out.pulse = values.pulse;
  if (typeof values.temperature === 'number') out.temperature = values.temperature;
  if (typeof values.respiratoryRate === 'number') out.respiratoryRate = values.respiratoryRate;
  if (typeof values.weight === 'number') out.weight = values.weight;
  if (typeof values.bloodPressure === 'object' && values.bloodPressure !== null) out.bloodPressure = values.bloodPressure as { systolic: number; diastolic: number };
  if (typeof values.onOxygen === 'boolean') out.onOxygen = values.onOxygen;
  if (typeof values.confused === 'boolean') out.consciousness = values.confused ? 'C' : 'A';
  if (typeof values.symptomsWorse === 'boolean') out.symptomsWorse = values.symptomsWorse;
  return out;
}

function withReply(values: ReadingValues, problems: readonly string[]): ParsedReadingText {
  const reply = `Sorry, we could not read all of your message. ${problems.join(' ')} Nothing has been recorded. Please send all your readings again like this: ${READING_TEXT_EXAMPLE}`;
  return { values, problems, reply };
}
