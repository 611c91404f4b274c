/**
 * @module lifecycle/servers
 * The three listeners, in this order: the public HTTP API, the sidecar-to-sidecar port (HTTP/1.1
 * invocation, plus HTTP/2 for proxied gRPC calls: server/h2-peer.ts), the metrics port. A default port that is busy falls back to a free one (the internal and metrics
 * ports only, and only when the flag was not given). Stopping stops accepting at once and hands
 * the drain of in-flight requests to the context.
 */
import type { RequestListener, Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { DEFAULT_DAPR_INTERNAL_PORT } from '../defaults';
import { ConfigError } from '../errors/startup';
import { createPeerGate } from '../security/peer-gate';
import { mtlsOffWarning } from '../security/setup';
import { grpcProxyOf } from '../api/grpc/proxy';
import { attachH2, createH2Peer, PEER_ALPN, type H2Peer } from '../server/h2-peer';
import { listen } from '../server/listen';
import { createPeerApp } from '../server/peer-app';
import { closeServers, type LifecyclePart, type RuntimeContext } from './context';

/** Without mTLS the internal port stays on loopback unless --dapr-internal-grpc-listen-address says otherwise. */
export function internalAddresses(ctx: RuntimeContext): string[] {
  return ctx.options.internalListenAddresses ?? (ctx.mtls ? ctx.options.listenAddresses : ['127.0.0.1']);
}

/** A part owning the servers its start() opened. */
function serverPart(name: string, open: (ctx: RuntimeContext) => Promise<Server[]>): LifecyclePart {
  let servers: Server[] = [];
  return {
    name,
    async start(ctx) {
      servers = await open(ctx);
    },
    stop(ctx) {
      ctx.drain(closeServers(servers.splice(0), ctx.graceMs));
    },
  };
}

export const publicServerPart = serverPart('public HTTP server', async (ctx) => {
  const { options } = ctx;
  const r = await listen(ctx.app, {
    port: options.daprHttpPort,
    addresses: options.listenAddresses,
    flag: '--dapr-http-port',
    maxHeaderSize: options.readBufferSize,
    ...ctx.timeouts,
  });
  ctx.ports.http = r.port;
  return r.servers;
});

const h2Peers = new WeakMap<RuntimeContext, H2Peer>();

const peerServers = serverPart('sidecar-to-sidecar listener', async (ctx) => {
  const { options, mtls } = ctx;
  const handler = createPeerApp(ctx.deps, createPeerGate({ mtls: mtls !== undefined, apiToken: options.apiToken }));
  const addresses = internalAddresses(ctx);
  // HTTP/2 (proxied gRPC calls) shares the port: ALPN h2 with mTLS, the h2c preface without.
  const tls = mtls ? { ...mtls.serverOptions(), ALPNProtocols: PEER_ALPN } : undefined;
  let r: { servers: Server[]; port: number };
  try {
    r = await listen(handler, { port: options.daprInternalPort, addresses, tls, flag: '--dapr-internal-port (--dapr-internal-grpc-port)', ...ctx.timeouts });
  } catch (err) {
    if (options.daprInternalPortExplicit || !(err instanceof ConfigError)) throw err;
    // The default port is a preference: with several sidecars on one machine, take a free one.
    r = await listen(handler, { port: 0, addresses, tls, flag: '--dapr-internal-port', ...ctx.timeouts });
    ctx.logger.debug(`internal port ${DEFAULT_DAPR_INTERNAL_PORT} is busy; using ${r.port}`);
  }
  ctx.ports.internal = r.port;
  const h2 = createH2Peer(grpcProxyOf(ctx).peer, options.maxBodySize);
  h2Peers.set(ctx, h2);
  for (const server of r.servers) attachH2(server, tls !== undefined, h2, ctx.timeouts.headersTimeoutMs);
  mtls?.track(r.servers as HttpsServer[]);
  if (!mtls) ctx.logger.warn(mtlsOffWarning(`${addresses.join(',')}:${r.port}`, options.apiToken !== undefined));
  return r.servers;
});

export const peerServerPart: LifecyclePart = {
  name: peerServers.name,
  start: (ctx) => peerServers.start(ctx),
  stop(ctx) {
    peerServers.stop(ctx);
    const h2 = h2Peers.get(ctx);
    h2Peers.delete(ctx);
    if (h2) ctx.drain(h2.close(ctx.graceMs));
    ctx.drain(grpcProxyOf(ctx).close(ctx.graceMs));
  },
};

export const metricsServerPart = serverPart('metrics server', async (ctx) => {
  const { options, metrics } = ctx;
  if (!metrics) return [];
  const handler: RequestListener = (_req, res) => {
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
      () => res.writeHead(500).end(),
    );
  };
  try {
    const r = await listen(handler, { port: options.metricsPort, addresses: options.listenAddresses, flag: '--metrics-port' });
    ctx.ports.metrics = r.port;
    return r.servers;
  } catch (err) {
    if (options.metricsPortExplicit) throw err;
    const r = await listen(handler, { port: 0, addresses: options.listenAddresses, flag: '--metrics-port' });
    ctx.ports.metrics = r.port;
    ctx.logger.warn(`metrics port ${options.metricsPort} is busy; serving metrics on ${r.port} instead (set --metrics-port to choose)`);
    return r.servers;
  }
});
