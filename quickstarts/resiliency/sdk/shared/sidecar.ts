/**
 * @module shared/sidecar
 * What checkout and the stateful order-processor share: waiting for the sidecar, and describing a
 * failed SDK call.
 */

/**
 * What a failed SDK call got from the sidecar, as one short text: `500 ERR_DIRECT_INVOKE: <message>`.
 * The SDK reports an HTTP error as an Error whose message is JSON,
 * `{"error": ..., "error_msg": "<response body>", "status": 500}`; anything else is shown as it is.
 */
export function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const details = JSON.parse(message) as { status?: number; error_msg?: string };
    const body = JSON.parse(details.error_msg ?? '{}') as { errorCode?: string; message?: string };
    return `${details.status ?? ''} ${body.errorCode ?? ''}: ${body.message ?? ''}`;
  } catch {
    return message;
  }
}

/** Polls GET /v1.0/healthz/outbound until the sidecar answers 204 (ready, components loaded). */
export async function waitForSidecar(host: string, port: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://${host}:${port}/v1.0/healthz/outbound`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 204) return;
    } catch {
      // Not listening yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`the Dapr sidecar on port ${port} was not ready within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
