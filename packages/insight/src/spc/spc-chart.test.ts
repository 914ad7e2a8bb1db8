/**
 * The XmR chart SVG, parsed into a tree (so it must be well formed) and checked for what a reader
 * needs: one mark per point, shaped and coloured by type, the mean and limits of each segment, the
 * target, markers, icons, an accessible title and summary, and escaped text. Also the CSV.
 */
import { describe, expect, it } from 'vitest';
import { assuranceIconSvg, describeSpc, renderSpcChart, spcCsv, spcTableRows, variationIconSvg } from './spc-chart.ts';
import { xmr } from './xmr.ts';

interface Node { name: string; attrs: Record<string, string>; children: Node[]; text: string }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e] as string);

/** A strict little XML reader: throws on a bare '<' or '&' in text and on unbalanced tags. */
function parseXml(xml: string): Node {
  const root: Node = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < xml.length && (m = token.exec(xml)) !== null) {
    at = token.lastIndex;
    const top = stack[stack.length - 1] as Node;
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(m[5])) throw new Error(`unescaped & in ${m[5]}`);
      top.text += decode(m[5]);
      continue;
    }
    const [, close, name = '', rawAttrs = '', self] = m;
    if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1] as string] = decode(a[2] as string);
    const node: Node = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!self) stack.push(node);
  }
  if (at !== xml.length) throw new Error(`not XML at ${at}: ${xml.slice(at, at + 40)}`);
  if (stack.length !== 1) throw new Error('unclosed tags');
  return root;
}

function all(node: Node, pred: (n: Node) => boolean): Node[] {
  return node.children.flatMap((c) => [...(pred(c) ? [c] : []), ...all(c, pred)]);
}
const byClass = (node: Node, cls: string) => all(node, (n) => (n.attrs.class ?? '').split(' ').includes(cls));
const daily = (values: readonly number[]) => values.map((value, i) => ({ date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), value }));

// Fixed from 10, 12 ×7 (mean 11, limits [5.68, 16.32]); then 20 above the UPL and 2 below the LPL.
const ALTERNATING = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];
const result = xmr(daily([...ALTERNATING, 20, 2]), { fixAfter: 14, improvement: 'increase', target: 15 });

describe('renderSpcChart', () => {
  const svg = renderSpcChart(result, { title: 'Waits <over> 2 weeks & more', unit: 'days', markers: [{ date: '2024-01-15', label: 'PDSA 1: "new form"' }], idPrefix: 'waits' });
  const tree = parseXml(svg);
  const root = tree.children[0] as Node;

  it('is an accessible image labelled by its title and a plain-English description', () => {
    expect(root.name).toBe('svg');
    expect(root.attrs.role).toBe('img');
    expect(root.attrs['aria-labelledby']).toBe('waits-title waits-desc');
    const title = root.children.find((n) => n.name === 'title');
    const desc = root.children.find((n) => n.name === 'desc');
    expect(title).toMatchObject({ attrs: { id: 'waits-title' }, text: 'Waits <over> 2 weeks & more' });
    expect(desc?.attrs.id).toBe('waits-desc');
    expect(desc?.text).toContain('The latest value (2024-01-16) is 2 days.');
  });

  it('draws one mark per point: circles for common cause, other shapes and colours for special causes', () => {
    const points = byClass(root, 'app-spc-point');
    expect(points).toHaveLength(16);
    const circles = points.filter((p) => p.name === 'circle');
    expect(circles).toHaveLength(14);
    expect(new Set(circles.map((c) => c.attrs.fill))).toEqual(new Set(['#A6A6A6']));
    expect(points[14]).toMatchObject({ name: 'rect', attrs: { fill: '#41B6E6', 'data-point-type': 'special_cause_improvement' } });
    expect(points[15]).toMatchObject({ name: 'polygon', attrs: { fill: '#ED8B00', 'data-point-type': 'special_cause_concern' } });
    expect(all(points[15] as Node, (n) => n.name === 'title')[0]?.text).toBe('2024-01-16: 2 days, special cause, concern (outside the process limits)');
  });

  it('draws the mean solid, the limits dashed, the target red and dashed, and the marker', () => {
    const mean = byClass(root, 'app-spc-mean');
    expect(mean).toHaveLength(1);
    expect(mean[0]?.attrs['stroke-dasharray']).toBeUndefined();
    const limits = byClass(root, 'app-spc-limit');
    expect(limits).toHaveLength(2);
    expect(limits.every((l) => l.attrs['stroke-dasharray'] !== undefined)).toBe(true);
    const target = byClass(root, 'app-spc-target');
    expect(target[0]?.attrs).toMatchObject({ stroke: '#DA291C' });
    expect(target[0]?.attrs['stroke-dasharray']).toBeDefined();
    // The target (15) sits between mean (11) and UPL (16.32): above the mean on screen, below the UPL.
    const y = (n: Node | undefined) => Number(n?.attrs.y1);
    expect(y(target[0])).toBeLessThan(y(mean[0]));
    expect(y(target[0])).toBeGreaterThan(Math.min(...limits.map(y)));
    const marker = byClass(root, 'app-spc-marker');
    expect(marker).toHaveLength(1);
    expect(all(root, (n) => n.name === 'text').some((t) => t.text === 'PDSA 1: "new form"')).toBe(true);
  });

  it('shows the variation and assurance icons and labels the axes', () => {
    const icons = byClass(root, 'app-spc-icon');
    // Last point 2 is a concern (low when higher is better): "L"; target 15 inside the limits: "?".
    expect(icons.map((i) => all(i, (n) => n.name === 'text')[0]?.text)).toEqual(['L', '?']);
    expect(icons[0]?.attrs['aria-label']).toMatch(/^Variation: Special cause variation of a concerning nature \(low values\)/);
    const texts = all(root, (n) => n.name === 'text').map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['days', 'Date', '2024-01-01', '2024-01-16']));
  });

  it('draws a line per segment after a rebase, and says when there is no data', () => {
    const rebased = xmr(daily([...ALTERNATING, 20, 22, 20, 22]), { rebase: ['2024-01-15'] });
    const tree2 = parseXml(renderSpcChart(rebased, { title: 'Rebased' }));
    expect(byClass(tree2, 'app-spc-mean')).toHaveLength(2);
    expect(byClass(tree2, 'app-spc-limit')).toHaveLength(4);
    const empty = parseXml(renderSpcChart(xmr([]), { title: 'Nothing' }));
    expect(all(empty, (n) => n.name === 'text')[0]?.text).toBe('No data yet');
    expect(byClass(empty, 'app-spc-point')).toHaveLength(0);
  });
});

describe('date labels', () => {
  const dateLabels = (svg: string) =>
    all(parseXml(svg), (n) => n.name === 'text' && /^\d{4}-\d{2}-\d{2}$/.test(n.text)).map((n) => ({ x: Number(n.attrs.x), text: n.text }));
  const long = xmr(daily(Array.from({ length: 26 }, (_, i) => 10 + (i % 3))));

  it('never crowd a small chart: labels at least 70px apart, the last date always shown', () => {
    for (const width of [300, 420, 800]) {
      const labels = dateLabels(renderSpcChart(long, { title: 'Twenty-six weeks', width, height: 200 }));
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(labels[labels.length - 1]?.text).toBe(long.points[25]?.date);
      for (let i = 1; i < labels.length; i++) expect(labels[i]!.x - labels[i - 1]!.x).toBeGreaterThanOrEqual(70);
    }
  });
});

describe('icons', () => {
  it('give a letter and a title as well as a colour, and nothing when there is no icon', () => {
    const letterOf = (svg: string) => all(parseXml(svg), (n) => n.name === 'text')[0]?.text;
    expect(letterOf(variationIconSvg('special_cause_improvement', 'increase'))).toBe('H');
    expect(letterOf(variationIconSvg('special_cause_improvement', 'decrease'))).toBe('L');
    expect(letterOf(variationIconSvg('special_cause_concern', 'decrease'))).toBe('H');
    expect(letterOf(variationIconSvg('special_cause_neutral_low', 'neutral'))).toBe('L');
    expect(all(parseXml(variationIconSvg('common_cause', 'neutral')), (n) => n.name === 'title')[0]?.text).toBe('Variation: Common cause variation: no significant change.');
    expect(letterOf(assuranceIconSvg('consistent_pass'))).toBe('P');
    expect(letterOf(assuranceIconSvg('consistent_fail'))).toBe('F');
    expect(variationIconSvg(null, 'increase')).toBe('');
    expect(assuranceIconSvg(null)).toBe('');
  });
});

describe('describeSpc and spcCsv', () => {
  it('summarises in plain English', () => {
    const text = describeSpc(result, { title: 'Waits', unit: 'days' });
    expect(text).toContain('Waits: 16 points from 2024-01-01 to 2024-01-16.');
    expect(text).toContain('The mean is 11 days; the process limits are 5.68 to 16.32.');
    expect(text).toContain('The target is 15 days.');
    expect(text).toContain('2 points show special cause variation; 2024-01-15 (special cause, improvement: outside the process limits); 2024-01-16 (special cause, concern: outside the process limits).');
    expect(describeSpc(xmr([]), { title: 'Waits' })).toBe('Waits: no data yet.');
  });

  it('writes the CSV with a header and unrounded numbers', () => {
    const lines = spcCsv(result).trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,value,mean,lpl,upl,near_lpl,near_upl,point_type');
    expect(lines).toHaveLength(17);
    const p = result.points[15];
    expect(lines[16]).toBe(`2024-01-16,2,11,${p?.lpl},${p?.upl},${p?.nearLpl},${p?.nearUpl},special_cause_concern`);
  });

  it('gives the data as table rows for people', () => {
    const table = spcTableRows(result, { unit: 'days' });
    expect(table.headers).toEqual(['Date', 'Value (days)', 'Mean', 'Lower process limit', 'Upper process limit', 'Variation']);
    expect(table.rows).toHaveLength(16);
    expect(table.rows[0]).toEqual(['2024-01-01', '10', '11', '5.68', '16.32', 'common cause']);
    expect(table.rows[14]).toEqual(['2024-01-15', '20', '11', '5.68', '16.32', 'special cause, improvement (outside the process limits)']);
  });
});
