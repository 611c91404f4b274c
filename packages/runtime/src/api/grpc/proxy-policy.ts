/**
 * @module api/grpc/proxy-policy
 * A proxied gRPC call under a user resiliency policy (daprd pkg/api/grpc/proxy/handler.go): the
 * policy of the target app id, for calls to another sidecar only (a call to the own app id, or one
 * marked `dapr-stream: true`, is relayed as it comes).
 *
 * With retries the call must be unary: the client's one message is kept and sent again on each
 * attempt; a second message ends the call with FAILED_PRECONDITION "cannot use resiliency policies
 * with retries on streaming RPCs", as daprd. An attempt's answer (headers, messages, status) is
 * held until its status: a status that is not OK is a failure the breaker counts, retried when
 * the policy's `gRPCStatusCodes` match it (a backend that could not be reached at all: always);
 * the last answer goes to the client as it came. Without retries the call streams live and only
 * the timeout (DEADLINE_EXCEEDED "context deadline exceeded") and the breaker (UNKNOWN "circuit
 * breaker is open", without reaching the target) apply.
 */
import { Metadata, status, type Client, type ClientDuplexStream, type ServerDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { isResiliencyError } from '../../resiliency/errors';
import type { PolicyRunner } from '../../resiliency/runner';

/** Where an attempt goes: resolved afresh each time (`afterFailure`: the previous one was not reached). */
export type ProxyLeg = (afterFailure: boolean) => Promise<{ client: Client; md: Metadata }>;

/** Ends the client's call: code, message, trailers (or the response headers when nothing else came). */
type Finish = (code: number, details: string, trailers?: Metadata) => void;

/** One attempt as the backend answered it. */
interface Answer {
  headers?: Metadata;
  messages: Buffer[];
  status: StatusObject;
  /** UNAVAILABLE before the backend sent anything: it was not reached. */
  unreached: boolean;
}

export const RETRY_ON_STREAM = 'cannot use resiliency policies with retries on streaming RPCs';
const identity = (b: Buffer): Buffer => b;

/**
 * A live relay of one attempt (./proxy's relay): resolves once the client has the backend's status;
 * rejects with the signal's reason (the client told nothing) when the attempt is aborted.
 */
export type LiveRelay = (client: Client, md: Metadata, signal: AbortSignal) => Promise<{ code: number; details: string; unreached: boolean }>;

export interface ProxyPolicyCall {
  server: ServerDuplexStream<Buffer, Buffer>;
  path: string;
  runner: PolicyRunner;
  leg: ProxyLeg;
  live: LiveRelay;
  /** Strips what must not go back to the client from the backend's metadata. */
  clean(md: Metadata | undefined): Metadata;
  /** The call is over (status as the client got it; unreached: UNAVAILABLE before any answer). */
  done(code: number, message: string, unreached: boolean): void;
  onRetry?(attempt: number, reason: unknown): void;
}

export async function relayWithPolicy(c: ProxyPolicyCall): Promise<void> {
  const { server } = c;
  const finish: Finish = (code, details, trailers) => {
    if (server.cancelled) return;
    if (code === status.OK) server.end(trailers ?? new Metadata());
    else server.emit('error', { code, details, message: details, metadata: trailers ?? new Metadata() });
  };
  // The caller's deadline and cancellation end the whole run.
  const gone = new AbortController();
  server.once('cancelled', () => gone.abort(new Error('call cancelled')));
  try {
    if (c.runner.retries) await replayed(c, gone.signal, finish);
    else await streamed(c, gone.signal);
  } catch (err) {
    if (server.cancelled) {
      c.done(status.CANCELLED, 'call cancelled', false);
      return;
    }
    const { code, message } = failureOf(err);
    finish(code, message);
    c.done(code, message, false);
  }
}

/** The policy's own failures as daprd's proxy returns them; anything else as the refusal it is. */
function failureOf(err: unknown): { code: number; message: string } {
  if (isResiliencyError(err)) return { code: err.kind === 'timeout' ? status.DEADLINE_EXCEEDED : status.UNKNOWN, message: err.message };
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return { code: typeof code === 'number' ? code : status.INTERNAL, message };
}

/** No retries: the call streams live inside one attempt (timeout and breaker only). */
async function streamed(c: ProxyPolicyCall, signal: AbortSignal): Promise<void> {
  const final = await c.runner.run(
    async (attemptSignal) => {
      const { client, md } = await c.leg(false);
      return c.live(client, md, attemptSignal);
    },
    { signal, resultStatus: (s) => (s.code === status.OK ? undefined : { grpcCode: s.code }), onRetry: c.onRetry },
  );
  // The live relay already gave the client its status.
  c.done(final.code, final.details, final.unreached);
}

/** Retries: the client's message kept and replayed, each answer held until its status. */
async function replayed(c: ProxyPolicyCall, signal: AbortSignal, finish: Finish): Promise<void> {
  const { server } = c;
  const incoming = collect(server);
  await incoming.first;
  let afterFailure = false;
  const answer = await c.runner.run(
    async (attemptSignal) => {
      if (incoming.tooMany) throw Object.assign(new Error(RETRY_ON_STREAM), { code: status.FAILED_PRECONDITION, permanent: true });
      const { client, md } = await c.leg(afterFailure);
      const a = await attempt(c, client, md, incoming, attemptSignal);
      afterFailure = a.unreached;
      return a;
    },
    {
      signal,
      resultStatus: (a) => (a.status.code === status.OK ? undefined : a.unreached ? {} : { grpcCode: a.status.code }),
      errorStatus: (err) => ((err as { permanent?: boolean }).permanent ? { permanent: true } : undefined),
      onRetry: c.onRetry,
    },
  );
  if (server.cancelled) {
    c.done(status.CANCELLED, 'call cancelled', false);
    return;
  }
  if (answer.headers) server.sendMetadata(c.clean(answer.headers));
  for (const m of answer.messages) server.write(m);
  finish(answer.status.code, answer.status.details, c.clean(answer.status.metadata));
  c.done(answer.status.code, answer.status.details, answer.unreached);
}

interface Incoming {
  /** Settles once the first message (or the end) came. */
  first: Promise<void>;
  message?: Buffer;
  ended: boolean;
  tooMany: boolean;
  /** Called when the client ends its side (an attempt in flight half-closes then). */
  onEnd?: () => void;
}

function collect(server: ServerDuplexStream<Buffer, Buffer>): Incoming {
  const inc: Incoming = { first: Promise.resolve(), ended: false, tooMany: false };
  inc.first = new Promise<void>((resolve) => {
    server.on('data', (b: Buffer) => {
      if (inc.message === undefined) inc.message = b;
      else inc.tooMany = true;
      resolve();
    });
    server.once('end', () => {
      inc.ended = true;
      inc.onEnd?.();
      resolve();
    });
    server.once('cancelled', () => resolve());
  });
  return inc;
}

/** One attempt with the kept message; resolves with the backend's whole answer. */
function attempt(c: ProxyPolicyCall, client: Client, md: Metadata, inc: Incoming, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const deadline = c.server.getDeadline();
    const options = deadline instanceof Date || (typeof deadline === 'number' && Number.isFinite(deadline)) ? { deadline } : {};
    const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(c.path, identity, identity, md, options);
    const a: Answer = { messages: [], status: { code: status.OK, details: '', metadata: new Metadata() }, unreached: false };
    let answered = false;
    let final: StatusObject | undefined;
    let drained = false;
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      call.cancel();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      if (settled || !final || !drained) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      inc.onEnd = undefined;
      a.status = final;
      a.unreached = final.code === status.UNAVAILABLE && !answered;
      resolve(a);
    };
    call.on('metadata', (h: Metadata) => {
      answered = true;
      a.headers = h;
    });
    call.on('data', (b: Buffer) => {
      answered = true;
      a.messages.push(b);
    });
    call.on('error', () => {}); // the status event carries it
    call.on('status', (s: StatusObject) => {
      final = s;
      settle();
    });
    call.on('end', () => {
      drained = true;
      settle();
    });
    if (inc.message !== undefined) call.write(inc.message);
    if (inc.ended) call.end();
    else inc.onEnd = () => call.end();
  });
}
