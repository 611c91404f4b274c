/**
 * @module compose/interpolate
 * Compose's variable interpolation on string values: `$$` is a literal `$`; `${VAR}`, `$VAR`,
 * `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}` / `${VAR?err}`
 * (required). https://github.com/compose-spec/compose-spec/blob/main/12-interpolation.md
 */
const PATTERN = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}\\]|\\.)*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function interpolate(value: string, env: Readonly<Record<string, string | undefined>>, where = 'value'): string {
  return value.replace(PATTERN, (_m, dollar: string | undefined, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (dollar) return '$';
    const name = (braced ?? bare) as string;
    const v = env[name];
    if (!op) return v ?? '';
    const missing = op.startsWith(':') ? v === undefined || v === '' : v === undefined;
    if (!missing) return v as string;
    if (op.endsWith('?')) throw new Error(`${where}: required variable ${name} is missing${arg ? `: ${arg}` : ''}`);
    return arg ?? '';
  });
}

/** Interpolates every string in a parsed YAML tree (keys are left alone, as compose does). */
export function interpolateTree(node: unknown, env: Readonly<Record<string, string | undefined>>, path = ''): unknown {
  if (typeof node === 'string') return interpolate(node, env, path || 'value');
  if (Array.isArray(node)) return node.map((v, i) => interpolateTree(v, env, `${path}[${i}]`));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env, path ? `${path}.${k}` : k)]));
  }
  return node;
}
