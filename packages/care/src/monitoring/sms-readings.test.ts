/**
 * Reading a text message of readings: the plain format with its aliases and the untidy ways people
 * type it, and many bad texts, each of which gets a reply that quotes what could not be read and
 * shows an example. Nothing is ever silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { READING_TEXT_EXAMPLE, parseReadingText } from './sms-readings.ts';

const FULL = { spo2: 94, pulse: 88, temperature: 37.8, bloodPressure: { systolic: 128, diastolic: 82 }, respiratoryRate: 18, weight: 70.5 };

describe('texts that can be read', () => {
  it.each([
    'O2 94 P 88 T 37.8 BP 128/82 RR 18 WT 70.5',
    'o2 94 p 88 t 37.8 bp 128/82 rr 18 wt 70.5',
    'SpO2: 94%, Pulse: 88bpm, Temp: 37.8C, BP: 128 / 82, Resp: 18, Weight: 70.5kg',
    'SATS 94 %\nHR 88 bpm\nTEMP 37.8 °C\nBP 128/82 mmHg\nBREATHS 18\nKG 70.5',
    '  OX=94   PULSE 88,,T 37.8;  BP 128/82mmHg  RR 18/min  WT 70.5 KG  ',
    'O294 P88 T37.8 BP128/82 RR18 WT70.5',
    'SPO2 94 P 88 T 37.8℃ BP 128/82 RR 18 WEIGHT 70.5',
  ])('%j', (text) => {
    expect(parseReadingText(text)).toEqual({ values: FULL, problems: [] });
  });

  it('yes/no parts: oxygen, confusion, feeling worse', () => {
    expect(parseReadingText('O2 90 OXYGEN YES CONFUSED NO WORSE YES').values).toEqual({ spo2: 90, onOxygen: true, consciousness: 'A', symptomsWorse: true });
    expect(parseReadingText('o2 90 on o2 confused y worse n').values).toEqual({ spo2: 90, onOxygen: true, consciousness: 'C', symptomsWorse: false });
    expect(parseReadingText('oxygen no').values).toEqual({ onOxygen: false });
  });

  it('digits from other scripts: full-width and Arabic-Indic', () => {
    expect(parseReadingText('Ｏ２ ９４ Ｐ ８８').values).toEqual({ spo2: 94, pulse: 88 });
    expect(parseReadingText('O2 ٩٤ P ٨٨').values).toEqual({ spo2: 94, pulse: 88 });
  });

  it('the same value given twice is fine', () => {
    expect(parseReadingText('P 88 P 88')).toEqual({ values: { pulse: 88 }, problems: [] });
  });

  it('the example in every reply can itself be read', () => {
    expect(parseReadingText(READING_TEXT_EXAMPLE).problems).toEqual([]);
  });
});

describe('texts that cannot be read: a clear reply, never a silent drop', () => {
  const problemsOf = (text: string) => {
    const parsed = parseReadingText(text);
    expect(parsed.reply).toContain('Nothing has been recorded');
    expect(parsed.reply).toContain(READING_TEXT_EXAMPLE);
    return parsed.problems;
  };

  it('empty', () => {
    expect(problemsOf('')).toEqual(['Your message was empty.']);
    expect(problemsOf('  \n ,, ')).toEqual(['Your message was empty.']);
  });
  it('only words', () => {
    expect(problemsOf('I am feeling a bit better today')).toEqual(['We could not read "I am feeling a bit better today".']);
  });
  it('a value that is not a number', () => {
    expect(problemsOf('SPO2 9x')).toEqual(['We could not read "SPO2 9x": oxygen level needs a number, like O2 94.']);
  });
  it('blood pressure with one number', () => {
    expect(problemsOf('BP 128')).toEqual(['Blood pressure needs both numbers, the top and the bottom one, like BP 128/82. We read "BP 128".']);
  });
  it('blood pressure the wrong way round', () => {
    expect(problemsOf('BP 82/128')).toEqual(['Blood pressure 82/128 is not a possible reading: check the numbers, top one first, like BP 128/82.']);
  });
  it('a temperature with the point in the wrong place suggests what was meant', () => {
    expect(problemsOf('T 3.78')).toEqual(['Temperature 3.78 is not a possible reading (it should be between 25 and 45 °C): did you mean T 37.8?']);
    expect(problemsOf('T 378')).toEqual(['Temperature 378 is not a possible reading (it should be between 25 and 45 °C): did you mean T 37.8?']);
  });
  it('a temperature in Fahrenheit', () => {
    expect(problemsOf('T 99.5F')).toEqual(['Give your temperature in degrees Celsius, like T 37.8.']);
  });
  it('an impossible SpO2', () => {
    expect(problemsOf('O2 940')).toEqual(['Oxygen level 940 is not a possible reading (it should be between 0 and 100%).']);
  });
  it('a label given twice with different values', () => {
    expect(problemsOf('P 88 O2 94 P 92')).toEqual(['Pulse was given twice with different values (88 and 92): send it once.']);
  });
  it('a label with no value', () => {
    expect(problemsOf('O2 P 88')).toEqual(['"O2" needs a value after it, like O2 94.']);
    expect(problemsOf('P 88 T')).toEqual(['"T" needs a value after it, like T 37.8.']);
  });
  it('a number with no label', () => {
    expect(problemsOf('94 88')).toEqual(['We could not read "94 88".']);
  });
  it('a yes/no part without yes or no', () => {
    expect(problemsOf('WORSE maybe')).toEqual(['"WORSE maybe" should be YES or NO, like WORSE NO.']);
  });
  it('good readings with an unknown word: the word is a problem, and the reply quotes it', () => {
    const parsed = parseReadingText('O2 94 P 88 thanks nurse');
    expect(parsed.problems).toEqual(['We could not read "thanks nurse".']);
    expect(parsed.values).toEqual({ spo2: 94, pulse: 88 });
    expect(parsed.reply).toBe(`Sorry, we could not read all of your message. We could not read "thanks nurse". Nothing has been recorded. Please send all your readings again like this: ${READING_TEXT_EXAMPLE}`);
  });
  it('emoji', () => {
    expect(problemsOf('O2 94 👍 P 88 🙂')).toEqual(['We could not read "👍".', 'We could not read "🙂".']);
  });
  it('digits of a script we do not read are quoted back', () => {
    expect(problemsOf('O2 ໙໔')).toEqual(['We could not read "O2 ໙໔": oxygen level needs a number, like O2 94.']);
  });
  it('a 2,000-character text', () => {
    expect(problemsOf('O2 94 '.repeat(334).slice(0, 2000))).toEqual(['Your message is too long for us to read (2,000 characters). Send only your readings.']);
  });
  it('several problems at once are all named', () => {
    expect(problemsOf('O2 9x BP 128 hello')).toEqual([
      'We could not read "O2 9x": oxygen level needs a number, like O2 94.',
      'Blood pressure needs both numbers, the top and the bottom one, like BP 128/82. We read "BP 128".',
      'We could not read "hello".',
    ]);
  });
});
