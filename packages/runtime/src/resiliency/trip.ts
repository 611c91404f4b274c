/**
 * @module resiliency/trip
 * Compiles a circuit breaker's `trip` expression. Dapr evaluates it as CEL over gobreaker's counts;
 * minidapr accepts the subset such expressions use: the five counters, integer literals,
 * `+ - *`, comparisons `> >= < <= == !=`, `&& || !` and parentheses. Anything else (another
 * identifier, a string, a function call) is rejected at start-up, as is an expression that is not
 * boolean (`consecutiveFailures + 1`).
 */
import type { BreakerCounts } from './breaker';

export type TripFn = (counts: Readonly<BreakerCounts>) => boolean;

export const TRIP_VARIABLES: readonly (keyof BreakerCounts)[] = ['requests', 'totalSuccesses', 'totalFailures', 'consecutiveSuccesses', 'consecutiveFailures'];

export class TripSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TripSyntaxError';
  }
}

type Kind = 'int' | 'bool';
type Eval = (c: Readonly<BreakerCounts>) => number | boolean;
interface Node {
  kind: Kind;
  ev: Eval;
}

const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|&&|\|\||[-+*()<>!]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new TripSyntaxError(`unexpected character ${JSON.stringify(src.slice(at).trim()[0])} at position ${at + 1}`);
    out.push(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return out;
}

/** Binary operators by precedence (lowest first), as in CEL. */
const LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>='], ['+', '-'], ['*']];

class Parser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Node {
    const node = this.binary(0);
    if (this.i < this.tokens.length) throw new TripSyntaxError(`unexpected ${JSON.stringify(this.tokens[this.i])}`);
    return node;
  }

  private binary(level: number): Node {
    if (level >= LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = LEVELS[level] ?? [];
    for (;;) {
      const op = this.tokens[this.i];
      if (op === undefined || !ops.includes(op)) return left;
      this.i++;
      const right = this.binary(level + 1);
      // Comparisons do not chain in CEL's grammar for our purposes: `a < b < c` is a type error.
      left = combine(op, left, right);
      if (level === 2 && ops.includes(this.tokens[this.i] ?? '')) throw new TripSyntaxError('comparisons cannot be chained');
    }
  }

  private unary(): Node {
    const t = this.tokens[this.i];
    if (t === '!') {
      this.i++;
      const inner = this.unary();
      if (inner.kind !== 'bool') throw new TripSyntaxError('"!" needs a boolean operand');
      return { kind: 'bool', ev: (c) => !inner.ev(c) };
    }
    if (t === '-') {
      this.i++;
      const inner = this.unary();
      if (inner.kind !== 'int') throw new TripSyntaxError('"-" needs an integer operand');
      return { kind: 'int', ev: (c) => -(inner.ev(c) as number) };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new TripSyntaxError('unexpected end of expression');
    if (t === '(') {
      const inner = this.binary(0);
      if (this.tokens[this.i++] !== ')') throw new TripSyntaxError('missing ")"');
      return inner;
    }
    if (/^\d+$/.test(t)) {
      const n = Number(t);
      return { kind: 'int', ev: () => n };
    }
    if (t === 'true' || t === 'false') {
      const b = t === 'true';
      return { kind: 'bool', ev: () => b };
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (this.tokens[this.i] === '(') throw new TripSyntaxError(`function calls such as ${t}(…) are not supported`);
      const name = t as keyof BreakerCounts;
      if (!TRIP_VARIABLES.includes(name)) throw new TripSyntaxError(`unknown variable "${t}" (known: ${TRIP_VARIABLES.join(', ')})`);
      return { kind: 'int', ev: (c) => c[name] };
    }
    throw new TripSyntaxError(`unexpected ${JSON.stringify(t)}`);
  }
}

function combine(op: string, l: Node, r: Node): Node {
  const need = (kind: Kind): void => {
    if (l.kind !== kind || r.kind !== kind) throw new TripSyntaxError(`"${op}" needs ${kind === 'int' ? 'integer' : 'boolean'} operands`);
  };
  const a = l.ev;
  const b = r.ev;
  switch (op) {
    case '||':
      need('bool');
      return { kind: 'bool', ev: (c) => (a(c) as boolean) || (b(c) as boolean) };
    case '&&':
      need('bool');
      return { kind: 'bool', ev: (c) => (a(c) as boolean) && (b(c) as boolean) };
    case '==':
    case '!=':
      if (l.kind !== r.kind) throw new TripSyntaxError(`"${op}" compares values of different types`);
      return op === '==' ? { kind: 'bool', ev: (c) => a(c) === b(c) } : { kind: 'bool', ev: (c) => a(c) !== b(c) };
    case '<':
      need('int');
      return { kind: 'bool', ev: (c) => (a(c) as number) < (b(c) as number) };
    case '<=':
      need('int');
      return { kind: 'bool', ev: (c) => (a(c) as number) <= (b(c) as number) };
    case '>':
      need('int');
      return { kind: 'bool', ev: (c) => (a(c) as number) > (b(c) as number) };
    case '>=':
      need('int');
      return { kind: 'bool', ev: (c) => (a(c) as number) >= (b(c) as number) };
    case '+':
      need('int');
      return { kind: 'int', ev: (c) => (a(c) as number) + (b(c) as number) };
    case '-':
      need('int');
      return { kind: 'int', ev: (c) => (a(c) as number) - (b(c) as number) };
    default:
      need('int');
      return { kind: 'int', ev: (c) => (a(c) as number) * (b(c) as number) };
  }
}

/** Compiles a trip expression or throws TripSyntaxError saying what is wrong. */
export function compileTrip(source: string): TripFn {
  const tokens = tokenize(source);
  if (tokens.length === 0) throw new TripSyntaxError('the expression is empty');
  const node = new Parser(tokens).parse();
  if (node.kind !== 'bool') throw new TripSyntaxError('the expression must be a condition (true or false), not a number');
  return (c) => node.ev(c) === true;
}
