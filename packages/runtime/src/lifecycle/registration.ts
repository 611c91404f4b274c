/**
 * @module lifecycle/registration
 * Once every port listens: announce them and register this sidecar in the local instance registry
 * (what name resolution and `minidapr list` read); the outbound health check turns ready.
 * Stopping removes the registration first thing, so peers stop choosing this sidecar.
 */
import { removeInstance, writeInstance } from '../nameresolution';
import { RUNTIME_VERSION } from '../version';
import type { LifecyclePart } from './context';
import { internalAddresses } from './servers';

export const registrationPart: LifecyclePart = {
  name: 'instance registration',
  start(ctx) {
    const { options, ports, mtls } = ctx;
    const peerAddresses = internalAddresses(ctx);
    ctx.logger.info(`HTTP API listening on ${options.listenAddresses.join(',')}:${ports.http}; sidecar-to-sidecar on ${peerAddresses.join(',')}:${ports.internal}${mtls ? ' (mTLS)' : ''}`);
    ctx.instance = {
      appId: options.appId,
      pid: process.pid,
      // Where peers reach the sidecar-to-sidecar port.
      host: peerAddresses.includes('0.0.0.0') || peerAddresses.includes('::') || peerAddresses.length === 0 ? '127.0.0.1' : (peerAddresses[0] as string),
      httpPort: ports.http,
      internalPort: ports.internal,
      grpcPort: ctx.ports.grpc,
      metricsPort: ports.metrics,
      appPort: options.appPort,
      appProtocol: options.appProtocol,
      namespace: options.namespace,
      startedAt: new Date(ctx.startedAt).toISOString(),
      runtimeVersion: RUNTIME_VERSION,
      cwd: options.cwd,
      resourcesPaths: options.resourcesPaths,
      configPaths: options.configPaths,
      maxBodySize: options.maxBodySize,
      readBufferSize: options.readBufferSize,
      extended: {},
    };
    writeInstance(options.home, ctx.instance);
    ctx.health.outboundReady = true;
  },
  stop(ctx) {
    if (ctx.instance) removeInstance(ctx.options.home, ctx.instance.pid);
  },
};
