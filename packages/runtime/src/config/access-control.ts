/**
 * @module config/access-control
 * Reads and validates a Configuration's `spec.accessControl` (dapr/dapr `pkg/config/configuration.go`
 * AccessControlSpec). Like daprd, a policy without `appId`, `namespace` or `trustDomain` stops
 * start-up; values daprd would silently treat as deny (an action that is not allow/deny, a verb in
 * the wrong case) are accepted as daprd does and reported as warnings.
 */
import { closestName } from '../components/suggest';
import { ConfigError } from '../errors/startup';

export interface OperationSpec {
  name: string;
  /** Verbs as written (`GET`, `POST`, `*`); daprd compares them case-sensitively. */
  httpVerb?: string[];
  action: string;
}

export interface AppPolicySpec {
  appId: string;
  defaultAction?: string;
  trustDomain: string;
  namespace: string;
  operations?: OperationSpec[];
}

export interface AccessControlSpec {
  defaultAction?: string;
  trustDomain?: string;
  /** undefined when the file leaves the list out (which matters for the default action). */
  policies?: AppPolicySpec[];
}

const ACTIONS = ['allow', 'deny'];
const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '*'];

export interface ParseIssues {
  errors: string[];
  warnings: string[];
}

/** Parses `spec.accessControl` of `file`; problems are added to `issues` (errors stop start-up). */
export function parseAccessControl(raw: unknown, file: string, issues: ParseIssues): AccessControlSpec | undefined {
  const at = 'spec.accessControl';
  if (raw === undefined || raw === null) return undefined;
  if (!isMap(raw)) {
    issues.errors.push(`${file}: field "${at}" must be a mapping`);
    return undefined;
  }
  const spec: AccessControlSpec = {
    defaultAction: text(raw.defaultAction, `${at}.defaultAction`, file, issues),
    trustDomain: text(raw.trustDomain, `${at}.trustDomain`, file, issues),
  };
  checkAction(spec.defaultAction, `${at}.defaultAction`, file, issues);
  if (raw.policies !== undefined && raw.policies !== null) {
    if (!Array.isArray(raw.policies)) issues.errors.push(`${file}: field "${at}.policies" must be a list`);
    else spec.policies = raw.policies.flatMap((p, i) => parsePolicy(p, `${at}.policies[${i}]`, file, issues) ?? []);
  }
  return spec;
}

function parsePolicy(raw: unknown, at: string, file: string, issues: ParseIssues): AppPolicySpec | undefined {
  if (!isMap(raw)) {
    issues.errors.push(`${file}: field "${at}" must be a mapping with appId, namespace, trustDomain`);
    return undefined;
  }
  const appId = text(raw.appId, `${at}.appId`, file, issues) ?? '';
  const namespace = text(raw.namespace, `${at}.namespace`, file, issues) ?? '';
  const trustDomain = text(raw.trustDomain, `${at}.trustDomain`, file, issues) ?? '';
  for (const [field, value] of [['appId', appId], ['namespace', namespace], ['trustDomain', trustDomain]] as const) {
    if (!value) issues.errors.push(`${file}: field "${at}.${field}" is required (daprd refuses an access control policy without it)`);
  }
  const policy: AppPolicySpec = { appId, namespace, trustDomain, defaultAction: text(raw.defaultAction, `${at}.defaultAction`, file, issues) };
  checkAction(policy.defaultAction, `${at}.defaultAction`, file, issues);
  if (raw.operations !== undefined && raw.operations !== null) {
    if (!Array.isArray(raw.operations)) issues.errors.push(`${file}: field "${at}.operations" must be a list`);
    else policy.operations = raw.operations.flatMap((o, i) => parseOperation(o, `${at}.operations[${i}]`, file, issues) ?? []);
  }
  return policy;
}

function parseOperation(raw: unknown, at: string, file: string, issues: ParseIssues): OperationSpec | undefined {
  if (!isMap(raw)) {
    issues.errors.push(`${file}: field "${at}" must be a mapping with name, httpVerb, action`);
    return undefined;
  }
  const name = text(raw.name, `${at}.name`, file, issues) ?? '';
  const action = text(raw.action, `${at}.action`, file, issues) ?? '';
  if (!name) issues.warnings.push(`${file}: field "${at}.name" is empty: the operation matches only a call to the empty method`);
  if (!action) issues.warnings.push(`${file}: field "${at}.action" is missing: a matching call is denied`);
  checkAction(action || undefined, `${at}.action`, file, issues);
  const op: OperationSpec = { name, action };
  if (raw.httpVerb !== undefined && raw.httpVerb !== null) {
    const verbs = Array.isArray(raw.httpVerb) ? raw.httpVerb : [raw.httpVerb];
    op.httpVerb = verbs.map((v, i) => text(v, `${at}.httpVerb[${i}]`, file, issues) ?? '');
    for (const v of op.httpVerb) {
      if (VERBS.includes(v)) continue;
      const hint = VERBS.includes(v.toUpperCase()) ? v.toUpperCase() : closestName(v, VERBS);
      issues.warnings.push(`${file}: field "${at}.httpVerb" lists "${v}", which matches no call (verbs compare case-sensitively)${hint ? `; did you mean "${hint}"?` : ''}`);
    }
  }
  return op;
}

function checkAction(value: string | undefined, at: string, file: string, issues: ParseIssues): void {
  if (!value || ACTIONS.includes(value.toLowerCase())) return;
  issues.warnings.push(`${file}: field "${at}" is "${value}", which is neither allow nor deny: it denies`);
}

function text(value: unknown, at: string, file: string, issues: ParseIssues): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  issues.errors.push(`${file}: field "${at}" must be a string`);
  return undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** parseAccessControl for start-up: warnings are collected, errors stop start-up naming the file. */
export function readAccessControl(raw: unknown, file: string, warnings: string[]): AccessControlSpec | undefined {
  const issues: ParseIssues = { errors: [], warnings: [] };
  const spec = parseAccessControl(raw, file, issues);
  warnings.push(...issues.warnings);
  if (issues.errors.length > 0) throw new ConfigError(issues.errors);
  return spec;
}
