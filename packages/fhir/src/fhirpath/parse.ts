/**
 * A parser for the part of FHIRPath (http://hl7.org/fhirpath/N1/) that the R4 SearchParameter
 * expressions use: paths, `|`, `and`/`or`, `=`/`!=` with literals, `is`/`as`, indexers and function
 * calls. It only builds a syntax tree; whether each function is supported is the compiler's call.
 * Anything else (arithmetic, comparisons, `$this`, `%vars`, quoted identifiers…) is refused with
 * UnsupportedFhirPath so that the caller can hand the expression to fhirpath.js instead.
 */

export type FhirPathAst =
  /** an identifier on its own: a member of the focus, or at the start of a path a type name */
  | { kind: 'identifier'; name: string }
  | { kind: 'literal'; value: string | number | boolean }
  /** a function applied to the focus (`exists()`), or to `base` (`x.where(…)`) */
  | { kind: 'call'; base?: FhirPathAst; name: string; args: FhirPathAst[] }
  /** `base.name` */
  | { kind: 'member'; base: FhirPathAst; name: string }
  | { kind: 'index'; base: FhirPathAst; index: number }
  | { kind: 'binary'; op: 'or' | 'and' | '=' | '!=' | '|'; left: FhirPathAst; right: FhirPathAst }
  | { kind: 'type'; op: 'is' | 'as'; base: FhirPathAst; typeName: string };

/** The expression uses FHIRPath outside the compiled subset (not necessarily invalid FHIRPath). */
export class UnsupportedFhirPath extends Error {
  override readonly name = 'UnsupportedFhirPath';
}

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'symbol'; text: string };

const SYMBOLS = ['!=', '.', '(', ')', '[', ']', '|', '=', ','] as const;
const ESCAPES: Readonly<Record<string, string>> = { "'": "'", '"': '"', '`': '`', '\\': '\\', '/': '/', f: '\f', n: '\n', r: '\r', t: '\t' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'identifier', text });
      i += text.length;
    } else if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (ch === "'") {
      let text = '';
      i++;
      for (;;) {
        const c = source.charAt(i);
        if (c === '') throw new UnsupportedFhirPath('unterminated string literal');
        if (c === "'") break;
        if (c === '\\') {
          const next = source.charAt(i + 1);
          const escaped = ESCAPES[next];
          // \uXXXX and unknown escapes are rare in search expressions: leave them to fhirpath.js
          if (escaped === undefined) throw new UnsupportedFhirPath(`string escape \\${next}`);
          text += escaped;
          i += 2;
        } else {
          text += c;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', text });
    } else {
      const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
      if (symbol === undefined) throw new UnsupportedFhirPath(`"${ch}" at ${i}`);
      tokens.push({ kind: 'symbol', text: symbol });
      i += symbol.length;
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): FhirPathAst {
    const ast = this.orExpression();
    const rest = this.tokens[this.position];
    if (rest) throw new UnsupportedFhirPath(`unexpected "${rest.text}"`);
    return ast;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'identifier' && token.text === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === symbol;
  }

  private expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) throw new UnsupportedFhirPath(`expected "${symbol}"`);
    this.position++;
  }

  private identifier(): string {
    const token = this.peek();
    if (token?.kind !== 'identifier') throw new UnsupportedFhirPath('expected an identifier');
    this.position++;
    return token.text;
  }

  // Precedence, lowest first (http://hl7.org/fhirpath/N1/#operator-precedence):
  // or, and, = / !=, |, is / as, then paths and indexers.
  private orExpression(): FhirPathAst {
    let left = this.andExpression();
    while (this.isKeyword('or')) {
      this.position++;
      left = { kind: 'binary', op: 'or', left, right: this.andExpression() };
    }
    return left;
  }

  private andExpression(): FhirPathAst {
    let left = this.equalityExpression();
    while (this.isKeyword('and')) {
      this.position++;
      left = { kind: 'binary', op: 'and', left, right: this.equalityExpression() };
    }
    return left;
  }

  private equalityExpression(): FhirPathAst {
    let left = this.unionExpression();
    while (this.isSymbol('=') || this.isSymbol('!=')) {
      const op = this.isSymbol('=') ? '=' : '!=';
      this.position++;
      left = { kind: 'binary', op, left, right: this.unionExpression() };
    }
    return left;
  }

  private unionExpression(): FhirPathAst {
    let left = this.typeExpression();
    while (this.isSymbol('|')) {
      this.position++;
      left = { kind: 'binary', op: '|', left, right: this.typeExpression() };
    }
    return left;
  }

  private typeExpression(): FhirPathAst {
    let base = this.pathExpression();
    while (this.isKeyword('is') || this.isKeyword('as')) {
      const op = this.isKeyword('is') ? 'is' : 'as';
      this.position++;
      base = { kind: 'type', op, base, typeName: this.typeSpecifier() };
    }
    return base;
  }

  /** `Quantity` or `FHIR.Quantity`; System types are left to fhirpath.js */
  private typeSpecifier(): string {
    const first = this.identifier();
    if (!this.isSymbol('.')) return first;
    this.position++;
    const second = this.identifier();
    if (first !== 'FHIR') throw new UnsupportedFhirPath(`type ${first}.${second}`);
    return second;
  }

  private pathExpression(): FhirPathAst {
    let base = this.term();
    for (;;) {
      if (this.isSymbol('.')) {
        this.position++;
        const name = this.identifier();
        if (this.isSymbol('(')) {
          base = { kind: 'call', base, name, args: this.argumentList() };
        } else {
          base = { kind: 'member', base, name };
        }
      } else if (this.isSymbol('[')) {
        this.position++;
        const token = this.peek();
        if (token?.kind !== 'number' || !/^[0-9]+$/.test(token.text)) throw new UnsupportedFhirPath('indexer other than an integer');
        this.position++;
        this.expectSymbol(']');
        base = { kind: 'index', base, index: Number(token.text) };
      } else {
        return base;
      }
    }
  }

  private argumentList(): FhirPathAst[] {
    this.expectSymbol('(');
    const args: FhirPathAst[] = [];
    if (this.isSymbol(')')) {
      this.position++;
      return args;
    }
    for (;;) {
      args.push(this.orExpression());
      if (this.isSymbol(')')) {
        this.position++;
        return args;
      }
      this.expectSymbol(',');
    }
  }

  private term(): FhirPathAst {
    const token = this.peek();
    if (!token) throw new UnsupportedFhirPath('unexpected end of expression');
    switch (token.kind) {
      case 'string':
        this.position++;
        return { kind: 'literal', value: token.text };
      case 'number':
        this.position++;
        return { kind: 'literal', value: Number(token.text) };
      case 'identifier': {
        this.position++;
        if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
        if (this.isSymbol('(')) return { kind: 'call', name: token.text, args: this.argumentList() };
        return { kind: 'identifier', name: token.text };
      }
      case 'symbol':
        if (token.text === '(') {
          this.position++;
          const inner = this.orExpression();
          this.expectSymbol(')');
          return inner;
        }
        throw new UnsupportedFhirPath(`unexpected "${token.text}"`);
    }
  }
}

/** Parses `expression`; throws UnsupportedFhirPath when it goes beyond the subset above. */
export function parseFhirPath(expression: string): FhirPathAst {
  return new Parser(tokenize(expression)).parseAll();
}
