/**
 * @module pubsub/routing
 * The CEL subset used by subscription routing rules (`match`): field access on `event`
 * (`event.type`, `event.data.x.y`), string/number/bool/null literals, list literals for `in`,
 * `== != < <= > >=`, `&& || !`, unary minus and parentheses. Expressions are parsed once into a tree
 * and evaluated without eval. A missing field compares unequal to everything and orders nothing.
 */

export type Predicate = (event: unknown) => boolean;

export class RuleSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

type Node =
  | { kind: 'lit'; value: unknown }
  | { kind: 'path'; parts: string[] }
  | { kind: 'list'; items: Node[] }
  | { kind: 'not'; arg: Node }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: string; left: Node; right: Node };

interface Token {
  type: 'num' | 'str' | 'ident' | 'op' | 'end';
  value: string;
  pos: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '.', '[', ']', ',', '-'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const next = src[j + 1];
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (next === undefined || escapes[next] === undefined) throw new RuleSyntaxError(`unsupported escape at position ${j}`);
          value += escapes[next];
          j += 2;
          continue;
        }
        value += src[j];
        j++;
      }
      if (j >= src.length) throw new RuleSyntaxError(`unterminated string at position ${i}`);
      out.push({ type: 'str', value, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^(\d+\.\d+|\d+)/.exec(src.slice(i));
    if (num) {
      out.push({ type: 'num', value: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      out.push({ type: 'ident', value: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new RuleSyntaxError(`unexpected character ${JSON.stringify(c)} at position ${i}`);
    out.push({ type: 'op', value: op, pos: i });
    i += op.length;
  }
  out.push({ type: 'end', value: '', pos: src.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    const t = this.peek();
    if (t.type !== 'end') throw new RuleSyntaxError(`unexpected ${JSON.stringify(t.value)} at position ${t.pos}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private take(): Token {
    return this.tokens[this.i++] as Token;
  }

  private accept(value: string): boolean {
    const t = this.peek();
    if ((t.type === 'op' || t.type === 'ident') && t.value === value) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(value: string): void {
    const t = this.peek();
    if (!this.accept(value)) throw new RuleSyntaxError(`expected ${JSON.stringify(value)} at position ${t.pos}`);
  }

  private or(): Node {
    let left = this.and();
    while (this.accept('||')) left = { kind: 'bin', op: '||', left, right: this.and() };
    return left;
  }

  private and(): Node {
    let left = this.comparison();
    while (this.accept('&&')) left = { kind: 'bin', op: '&&', left, right: this.comparison() };
    return left;
  }

  private comparison(): Node {
    const left = this.unary();
    for (const op of ['==', '!=', '<=', '>=', '<', '>', 'in']) {
      if (this.accept(op)) {
        const right = this.unary();
        if (['==', '!=', '<=', '>=', '<', '>', 'in'].some((o) => this.peek().value === o)) {
          throw new RuleSyntaxError(`chained comparison at position ${this.peek().pos}; use parentheses`);
        }
        return { kind: 'bin', op, left, right };
      }
    }
    return left;
  }

  private unary(): Node {
    if (this.accept('!')) return { kind: 'not', arg: this.unary() };
    if (this.accept('-')) return { kind: 'neg', arg: this.unary() };
    return this.primary();
  }

  private primary(): Node {
    const t = this.take();
    if (t.type === 'num') return { kind: 'lit', value: Number(t.value) };
    if (t.type === 'str') return { kind: 'lit', value: t.value };
    if (t.type === 'op' && t.value === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (t.type === 'op' && t.value === '[') {
      const items: Node[] = [];
      if (!this.accept(']')) {
        do items.push(this.or());
        while (this.accept(','));
        this.expect(']');
      }
      return { kind: 'list', items };
    }
    if (t.type === 'ident') {
      if (t.value === 'true' || t.value === 'false') return { kind: 'lit', value: t.value === 'true' };
      if (t.value === 'null') return { kind: 'lit', value: null };
      if (t.value !== 'event') throw new RuleSyntaxError(`unknown identifier ${JSON.stringify(t.value)} at position ${t.pos} (only "event" is defined)`);
      const parts: string[] = [];
      for (;;) {
        if (this.accept('.')) {
          const field = this.take();
          if (field.type !== 'ident') throw new RuleSyntaxError(`expected a field name at position ${field.pos}`);
          parts.push(field.value);
        } else if (this.peek().type === 'op' && this.peek().value === '[') {
          this.take();
          const key = this.take();
          if (key.type !== 'str') throw new RuleSyntaxError(`expected a string key at position ${key.pos}`);
          this.expect(']');
          parts.push(key.value);
        } else break;
      }
      if (this.peek().type === 'op' && this.peek().value === '(') throw new RuleSyntaxError(`function calls are not supported (position ${this.peek().pos})`);
      return { kind: 'path', parts };
    }
    throw new RuleSyntaxError(t.type === 'end' ? 'unexpected end of expression' : `unexpected ${JSON.stringify(t.value)} at position ${t.pos}`);
  }
}

const MISSING = Symbol('missing');

function evaluate(node: Node, event: unknown): unknown {
  switch (node.kind) {
    case 'lit':
      return node.value;
    case 'path': {
      let cur: unknown = event;
      for (const p of node.parts) {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, p)) return MISSING;
        cur = (cur as Record<string, unknown>)[p];
      }
      return cur;
    }
    case 'list':
      return node.items.map((n) => evaluate(n, event));
    case 'not':
      return evaluate(node.arg, event) !== true;
    case 'neg': {
      const v = evaluate(node.arg, event);
      return typeof v === 'number' ? -v : MISSING;
    }
    case 'bin':
      return binary(node.op, node.left, node.right, event);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === MISSING || b === MISSING) return false;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

function binary(op: string, leftNode: Node, rightNode: Node, event: unknown): unknown {
  if (op === '&&') return evaluate(leftNode, event) === true && evaluate(rightNode, event) === true;
  if (op === '||') return evaluate(leftNode, event) === true || evaluate(rightNode, event) === true;
  const a = evaluate(leftNode, event);
  const b = evaluate(rightNode, event);
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return a !== MISSING && b !== MISSING && !equal(a, b);
    case 'in':
      if (Array.isArray(b)) return b.some((x) => equal(a, x));
      return b !== null && typeof b === 'object' && typeof a === 'string' && Object.prototype.hasOwnProperty.call(b, a);
  }
  const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === '<') return x < y;
  if (op === '<=') return x <= y;
  if (op === '>') return x > y;
  return x >= y;
}

/** Parses a rule expression; throws RuleSyntaxError for anything outside the subset. Empty = always true. */
export function compileMatch(expression: string): Predicate {
  if (expression.trim() === '') return () => true;
  const tree = new Parser(tokenize(expression)).parse();
  return (event) => evaluate(tree, event) === true;
}
