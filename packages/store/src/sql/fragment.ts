/**
 * SQL fragments that carry their own parameters, so that compiled pieces nest without anyone
 * counting placeholders. Values always become `?` parameters; only `raw` text (table and column
 * names chosen by the store itself, never by a request) is spliced in.
 */
import type { SqlValue } from './driver.ts';

export interface Fragment {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

function isFragment(value: unknown): value is Fragment {
  return typeof value === 'object' && value !== null && 'text' in value && 'params' in value;
}

export function sql(strings: TemplateStringsArray, ...values: readonly (SqlValue | Fragment)[]): Fragment {
  let text = strings[0] ?? '';
  const params: SqlValue[] = [];
  values.forEach((value, i) => {
    if (isFragment(value)) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, params };
}

export function raw(text: string): Fragment {
  return { text, params: [] };
}

export function join(fragments: readonly Fragment[], separator: string): Fragment {
  return {
    text: fragments.map((f) => f.text).join(separator),
    params: fragments.flatMap((f) => f.params),
  };
}

/** `?, ?, ?` for a list of values */
export function list(values: readonly SqlValue[]): Fragment {
  return { text: values.map(() => '?').join(', '), params: [...values] };
}

export const TRUE: Fragment = raw('1 = 1');
export const FALSE: Fragment = raw('1 = 0');

export function or(parts: readonly Fragment[]): Fragment {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql`(${join(parts, ' OR ')})`;
}

export function and(parts: readonly Fragment[]): Fragment {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0]!;
  return sql`(${join(parts, ' AND ')})`;
}
