/**
 * @module tracing/config
 * The Configuration's `spec.tracing`, as daprd reads it: `samplingRate` (a string "0".."1"; without a
 * Configuration daprd samples 0.0001 of new traces), `stdout`, `zipkin.endpointAddress` (Zipkin v2
 * JSON) and `otel` (`endpointAddress`, `isSecure`, `protocol`). Only `protocol: http` is exported
 * here (OTLP/HTTP protobuf); `grpc` is refused at startup with a clear error rather than silently
 * sending nothing.
 */
import { ConfigError } from '../errors/startup';

/** daprd's default when no Configuration sets a rate (pkg/diagnostics/utils DefaultSamplingRate). */
export const DEFAULT_SAMPLING_RATE = 0.0001;

export interface OtelExportConfig {
  /** The full OTLP/HTTP traces URL (`<scheme>://<endpointAddress>/v1/traces` when no path was given). */
  url: string;
  headers: Record<string, string>;
}

export interface TracingConfig {
  /** 0 turns tracing off entirely (no spans, trace context passed through as is). */
  samplingRate: number;
  zipkin?: { url: string };
  otel?: OtelExportConfig;
  stdout: boolean;
}

export function defaultTracingConfig(): TracingConfig {
  return { samplingRate: DEFAULT_SAMPLING_RATE, stdout: false };
}

/** daprd parses the rate with strconv.ParseFloat and treats anything unparsable as 0. */
export function parseSamplingRate(value: unknown, file: string, issues: string[]): number {
  if (value === undefined || value === null || value === '') return DEFAULT_SAMPLING_RATE;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    issues.push(`${file}: spec.tracing.samplingRate must be a number between "0" and "1", got ${JSON.stringify(value)}`);
    return 0;
  }
  return n;
}

function otelUrl(address: string, secure: boolean): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `${secure ? 'https' : 'http'}://${address}`;
  const u = new URL(withScheme);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/v1/traces';
  return u.toString();
}

function isTrue(v: unknown): boolean {
  return v === true || v === 'true';
}

/**
 * Reads `spec.tracing` of one Configuration document over `base` (a later document overrides the
 * fields it sets). Throws ConfigError for values daprd would also refuse to start with.
 */
export function parseTracingSpec(spec: unknown, file: string, base: TracingConfig | undefined): TracingConfig {
  const out: TracingConfig = { ...(base ?? defaultTracingConfig()) };
  if (spec === undefined || spec === null) return out;
  if (typeof spec !== 'object') throw new ConfigError([`${file}: field "spec.tracing" must be a mapping`]);
  const t = spec as Record<string, unknown>;
  const issues: string[] = [];
  if ('samplingRate' in t) out.samplingRate = parseSamplingRate(t.samplingRate, file, issues);
  if (t.stdout !== undefined) out.stdout = isTrue(t.stdout);
  const zipkin = t.zipkin as Record<string, unknown> | undefined;
  if (zipkin && typeof zipkin === 'object' && zipkin.endpointAddress) {
    const url = String(zipkin.endpointAddress);
    try {
      new URL(url);
      out.zipkin = { url };
    } catch {
      issues.push(`${file}: spec.tracing.zipkin.endpointAddress is not a URL: ${JSON.stringify(url)}`);
    }
  }
  const otel = t.otel as Record<string, unknown> | undefined;
  if (otel && typeof otel === 'object' && otel.endpointAddress) {
    const protocol = String(otel.protocol ?? 'http').toLowerCase();
    if (protocol === 'grpc') {
      issues.push(`${file}: spec.tracing.otel.protocol "grpc" is not supported by minidaprd; use protocol: http (OTLP/HTTP, port 4318)`);
    } else if (protocol !== 'http') {
      issues.push(`${file}: spec.tracing.otel.protocol must be "http" or "grpc", got ${JSON.stringify(otel.protocol)}`);
    } else {
      try {
        out.otel = { url: otelUrl(String(otel.endpointAddress), isTrue(otel.isSecure)), headers: parseHeaders(otel.headers) };
      } catch {
        issues.push(`${file}: spec.tracing.otel.endpointAddress is not a host:port or URL: ${JSON.stringify(otel.endpointAddress)}`);
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

/** `otel.headers`: a list of {name, value} (Dapr's form) or a mapping. */
function parseHeaders(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const h of v as Array<Record<string, unknown>>) if (h && typeof h.name === 'string') out[h.name] = String(h.value ?? '');
  } else if (v && typeof v === 'object') {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = String(val);
  }
  return out;
}
