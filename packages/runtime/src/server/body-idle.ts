/**
 * @module server/body-idle
 * Ends requests whose body stops arriving (slowloris on the body) without cutting long streamed
 * invocations: a request is stalled only while its body is incomplete, no byte has come in for the
 * whole period, and the sidecar is not the one holding it back (its buffer is below the high-water
 * mark, so the client is not just waiting for us to read).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { securityErrors } from '../errors/security';
import { respondError } from './respond';

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Wraps `handler` so every request with a body is watched; 0 turns the watch off. */
export function withBodyIdleTimeout(handler: RequestListener, idleMs: number): RequestListener {
  if (idleMs <= 0) return handler;
  return (req, res) => {
    if (hasBody(req)) watch(req, res, idleMs);
    handler(req, res);
  };
}

function watch(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const socket = req.socket;
  let seen = socket.bytesRead;
  const timer = setTimeout(function check() {
    if (req.complete || res.writableEnded || socket.destroyed) return;
    const now = socket.bytesRead;
    const heldBack = req.readableLength >= req.readableHighWaterMark;
    if (now !== seen || heldBack) {
      seen = now;
      timer.refresh();
      return;
    }
    if (!res.headersSent) {
      res.setHeader('connection', 'close');
      respondError(res, securityErrors.bodyIdle(idleMs));
      res.once('finish', () => socket.destroy());
    } else {
      socket.destroy();
    }
  }, idleMs);
  timer.unref();
  const stop = (): void => clearTimeout(timer);
  req.once('end', stop);
  res.once('close', stop);
}
