/**
 * @module runtime
 * createRuntime(options) wires the sidecar together; start() loads configuration and components,
 * listens, registers the instance and waits for the app; stop() shuts down gracefully.
 * Nothing starts on import.
 */
import type { RequestListener, Server } from 'node:http';
import { compileAccessControl, SPOOFABLE_IDENTITY_WARNING, type AccessControlList } from './acl/policy';
import type { Server as HttpsServer } from 'node:https';
import { registerBuiltins } from './components/builtin';
import { initComponents } from './components/init';
import { loadResources } from './components/loader';
import { noComponentsWarning } from './components/none-loaded';
import type { Registry } from './components/registry';
import { ComponentStore } from './components/store';
import { loadConfiguration } from './config/configuration';
import { DEFAULT_DAPR_INTERNAL_PORT } from './defaults';
import { ConfigError } from './errors/startup';
import { AppChannel } from './invoke/app-channel';
import { createDirectMessaging, type DirectMessaging } from './invoke/direct-messaging';
import { createLogger, type Logger } from './logger';
import { createHttpMetrics, type HttpMetrics } from './metrics/metrics';
import { createNameResolver, removeInstance, writeInstance, type InstanceInfo, type NameResolver } from './nameresolution';
import type { RuntimeOptions } from './options';
import { InputBindings } from './bindings/input';
import { parseDeclarative } from './pubsub/declarative';
import { Deliveries, startSubscriptions } from './pubsub/delivery';
import type { Subscription } from './pubsub/subscriptions';
import { createApp } from './server/app';
import type { AppDeps, HealthState, MetadataState } from './server/deps';
import { listen } from './server/listen';
import { guardFor } from './server/request-guard';
import { respondError } from './server/respond';
import { certificateIdentity } from './security/cert-identity';
import type { Mtls } from './security/mtls';
import { createPeerGate } from './security/peer-gate';
import { claimedIdentity } from './security/peer-identity';
import { mtlsOffWarning, setupMtls } from './security/setup';
import { RUNTIME_VERSION } from './version';

/** CLI-provided metadata keys mirrored into the instance registry (what `minidapr list` shows). */
const MIRRORED_KEYS = new Set(['appCommand', 'appPID', 'cliPID', 'runTemplatePath', 'runTemplateName', 'appLogPath', 'daprdLogPath']);

export interface RuntimeOverrides {
  logger?: Logger;
  registry?: Registry;
  env?: NodeJS.ProcessEnv;
  /** Called when POST /v1.0/shutdown asks the process to stop (bin.ts exits afterwards). */
  onShutdownRequested?(force: boolean): void;
}

export interface Runtime {
  readonly options: RuntimeOptions;
  readonly logger: Logger;
  /** The public API request listener (usable with supertest before start()). */
  readonly app: RequestListener;
  readonly health: HealthState;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Actual ports after start() (the internal/metrics ports may differ from the defaults). */
  ports(): { http: number; internal: number; metrics?: number };
}

export function createRuntime(options: RuntimeOptions, overrides: RuntimeOverrides = {}): Runtime {
  const env = overrides.env ?? process.env;
  const logger = overrides.logger ?? createLogger({ appId: options.appId, level: options.logLevel, json: options.logAsJson, version: RUNTIME_VERSION });
  const registry = overrides.registry ?? registerBuiltins();
  const store = new ComponentStore();
  const health: HealthState = { outboundReady: false, ready: false };
  const metadata: MetadataState = { extended: new Map(), enabledFeatures: [], subscriptions: [], httpEndpoints: [] };
  const metrics: HttpMetrics | undefined = options.enableMetrics ? createHttpMetrics(options.appId, true) : undefined;
  const appChannel = options.appPort
    ? new AppChannel({
        protocol: options.appProtocol === 'https' ? 'https' : 'http',
        address: options.appChannelAddress,
        port: options.appPort,
        appApiToken: options.appApiToken,
        maxConcurrency: options.appMaxConcurrency,
      })
    : undefined;

  /** mTLS between sidecars (security/*): set in start() when enabled. */
  let mtls: Mtls | undefined;
  let resolver: NameResolver = createNameResolver(undefined, options.home);
  let accessControl: AccessControlList | undefined;
  let directMessaging: DirectMessaging = makeDirectMessaging(resolver);
  let instance: InstanceInfo | undefined;
  let servers: Server[] = [];
  let httpPort = options.daprHttpPort;
  let internalPort = options.daprInternalPort;
  let metricsPort: number | undefined;
  let stopping: Promise<void> | undefined;
  const waitAbort = new AbortController();
  // --- pub/sub subscriptions (pubsub/*): declarative ones parsed at start(), all started once the app is up.
  let declarativeSubs: Subscription[] = [];
  // Only HTTP apps: gRPC app callbacks (ListTopicSubscriptions/OnTopicEvent) are not implemented.
  const deliveries = appChannel && (options.appProtocol === 'http' || options.appProtocol === 'https') ? new Deliveries({ channel: appChannel, logger }) : undefined;
  // --- end pub/sub subscriptions
  // --- input bindings (bindings/input.ts): read once the app is up; only HTTP apps with an app port.
  const inputBindings = appChannel && (options.appProtocol === 'http' || options.appProtocol === 'https') ? new InputBindings({ channel: appChannel, logger, maxResponseBytes: options.maxBodySize, optionsTimeoutMs: options.appBindingOptionsTimeoutMs }) : undefined;
  // --- end input bindings
  const startedAt = Date.now();

  function makeDirectMessaging(r: NameResolver): DirectMessaging {
    return createDirectMessaging({
      appId: options.appId,
      namespace: options.namespace,
      resolver: r,
      appChannel,
      maxBodySize: options.maxBodySize,
      respondError: (res, err) => respondError(res, err, logger),
      accessControl,
      // The peer gate ran first: with mTLS every request here carries a verified SPIFFE ID.
      peerIdentity: mtls ? (req) => certificateIdentity(req) ?? claimedIdentity({}) : undefined,
      peerTransport: mtls ? (appId, namespace) => ({ protocol: 'https:', ...peerTls(mtls as Mtls, appId, namespace) }) : undefined,
      peerToken: mtls ? undefined : options.apiToken,
    });
  }

  function peerTls(m: Mtls, appId: string, namespace: string) {
    const p = m.peer(appId, namespace);
    return { agent: p.agent, tls: { rejectUnauthorized: true, checkServerIdentity: p.checkServerIdentity } };
  }

  const guard = guardFor(options);
  const timeouts = { headersTimeoutMs: options.readHeaderTimeoutMs, bodyIdleTimeoutMs: options.readBodyIdleTimeoutMs };
  const deps: AppDeps = {
    options,
    guard,
    logger,
    store,
    health,
    metadata,
    get directMessaging() {
      return directMessaging;
    },
    apiLogging: options.enableApiLogging ?? false,
    metrics,
    runtimeVersion: RUNTIME_VERSION,
    onExtendedChange(key, value) {
      if (!instance || !MIRRORED_KEYS.has(key)) return;
      instance.extended[key] = value;
      writeInstance(options.home, instance);
    },
    requestShutdown(force) {
      if (overrides.onShutdownRequested) overrides.onShutdownRequested(force);
      else void runtime.stop();
    },
  };
  const app = createApp(deps);

  /** Without mTLS the internal port stays on loopback unless --dapr-internal-grpc-listen-address says otherwise. */
  const internalAddresses = (): string[] => options.internalListenAddresses ?? (mtls ? options.listenAddresses : ['127.0.0.1']);

  async function listenInternal(): Promise<Server[]> {
    const gate = createPeerGate({ mtls: mtls !== undefined, apiToken: options.apiToken });
    const peerHandler: RequestListener = (req, res) => {
      if (guard.handle(req, res)) return;
      if (!gate(req, res)) return;
      directMessaging.deliverFromPeer(req, res).catch((err) => respondError(res, err, logger));
    };
    const addresses = internalAddresses();
    const tls = mtls?.serverOptions();
    let r: { servers: Server[]; port: number };
    try {
      r = await listen(peerHandler, { port: options.daprInternalPort, addresses, tls, flag: '--dapr-internal-port (--dapr-internal-grpc-port)', ...timeouts });
    } catch (err) {
      if (options.daprInternalPortExplicit || !(err instanceof ConfigError)) throw err;
      // The default port is a preference: with several sidecars on one machine, take a free one.
      r = await listen(peerHandler, { port: 0, addresses, tls, flag: '--dapr-internal-port', ...timeouts });
      logger.debug(`internal port ${DEFAULT_DAPR_INTERNAL_PORT} is busy; using ${r.port}`);
    }
    internalPort = r.port;
    mtls?.track(r.servers as HttpsServer[]);
    if (!mtls) logger.warn(mtlsOffWarning(`${addresses.join(',')}:${internalPort}`, options.apiToken !== undefined));
    return r.servers;
  }

  async function listenMetrics(): Promise<Server[]> {
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
      metricsPort = r.port;
      return r.servers;
    } catch (err) {
      if (options.metricsPortExplicit) throw err;
      const r = await listen(handler, { port: 0, addresses: options.listenAddresses, flag: '--metrics-port' });
      metricsPort = r.port;
      logger.warn(`metrics port ${options.metricsPort} is busy; serving metrics on ${metricsPort} instead (set --metrics-port to choose)`);
      return r.servers;
    }
  }

  async function waitForApp(): Promise<void> {
    if (!appChannel) {
      markReady();
      return;
    }
    logger.info(`waiting for the app to listen on ${options.appChannelAddress}:${options.appPort}`);
    if (await appChannel.waitForPort(waitAbort.signal)) {
      logger.info(`app is listening on port ${options.appPort}`);
      // --- pub/sub subscriptions: discover (GET /dapr/subscribe) and subscribe before reporting ready.
      if (deliveries) await startSubscriptions({ deliveries, channel: appChannel, logger, store, declarative: declarativeSubs, metadata, signal: waitAbort.signal });
      if (waitAbort.signal.aborted) return;
      // --- end pub/sub subscriptions
      // --- input bindings: probe each route (OPTIONS) and start reading.
      if (inputBindings) await inputBindings.start(store, waitAbort.signal);
      if (waitAbort.signal.aborted) return;
      // --- end input bindings
      markReady();
    }
  }

  function markReady(): void {
    health.ready = true;
    logger.info(`dapr initialized. Status: Running. Init Elapsed ${Date.now() - startedAt}ms`);
  }

  const runtime: Runtime = {
    options,
    logger,
    app,
    health,
    async start() {
      logger.info(`Starting minidaprd -- version ${RUNTIME_VERSION}`);
      logger.info(`app id: ${options.appId}`);
      const config = loadConfiguration(options.configPaths, env);
      for (const w of config.warnings) logger.warn(w);
      mtls = await setupMtls(options, config.mtls, logger);
      accessControl = compileAccessControl(config.accessControl, !options.appProtocol.startsWith('grpc'));
      if (accessControl && !mtls) logger.warn(SPOOFABLE_IDENTITY_WARNING);
      if (config.nameResolution) resolver = createNameResolver(config.nameResolution, options.home, config.source);
      if (config.nameResolution || accessControl || mtls) {
        directMessaging.close();
        directMessaging = makeDirectMessaging(resolver);
        // Peers reach this sidecar by the name its own template gives it (compose/k8s service name).
        if (resolver.name === 'dns-template') guard.allowName((await resolver.resolve(options.appId, options.namespace))?.host ?? '');
      }
      if (options.enableApiLogging === undefined && config.apiLogging !== undefined) deps.apiLogging = config.apiLogging;
      metadata.enabledFeatures = config.features;
      deps.secretScopes = config.secretScopes;
      const resources = loadResources(options.resourcesPaths, { appId: options.appId, namespace: options.namespace });
      for (const s of resources.skipped) logger.debug(`skipping ${s.name} in ${s.file}: ${s.why}`);
      for (const w of resources.warnings) logger.warn(w);
      if (resources.components.length === 0) logger.warn(noComponentsWarning({ ...options, skipped: resources.skipped.length }));
      declarativeSubs = parseDeclarative(resources.others);
      await initComponents(resources.components, {
        registry,
        store,
        ctx: { appId: options.appId, namespace: options.namespace, cwd: options.cwd },
        logger,
        env,
        childLogger: (name) => logger.child({ component: name }),
      });
      try {
        const pub = await listen(app, {
          port: options.daprHttpPort,
          addresses: options.listenAddresses,
          flag: '--dapr-http-port',
          maxHeaderSize: options.readBufferSize,
          ...timeouts,
        });
        httpPort = pub.port;
        servers.push(...pub.servers);
        servers.push(...(await listenInternal()));
        servers.push(...(await listenMetrics()));
      } catch (err) {
        await closeServers(servers, 0);
        servers = [];
        await store.closeAll();
        mtls?.close();
        throw err;
      }
      logger.info(`HTTP API listening on ${options.listenAddresses.join(',')}:${httpPort}; sidecar-to-sidecar on ${internalAddresses().join(',')}:${internalPort}${mtls ? ' (mTLS)' : ''}`);
      const peerAddresses = internalAddresses();
      instance = {
        appId: options.appId,
        pid: process.pid,
        // Where peers reach the sidecar-to-sidecar port.
        host: peerAddresses.includes('0.0.0.0') || peerAddresses.includes('::') || peerAddresses.length === 0 ? '127.0.0.1' : (peerAddresses[0] as string),
        httpPort,
        internalPort,
        // No gRPC API is served yet: --dapr-grpc-port is accepted (daprd's flag) but nothing listens on it.
        grpcPort: 0,
        metricsPort,
        appPort: options.appPort,
        appProtocol: options.appProtocol,
        namespace: options.namespace,
        startedAt: new Date(startedAt).toISOString(),
        runtimeVersion: RUNTIME_VERSION,
        cwd: options.cwd,
        resourcesPaths: options.resourcesPaths,
        configPaths: options.configPaths,
        maxBodySize: options.maxBodySize,
        readBufferSize: options.readBufferSize,
        extended: {},
      };
      writeInstance(options.home, instance);
      health.outboundReady = true;
      void waitForApp();
    },
    async stop() {
      stopping ??= (async () => {
        logger.info('shutting down gracefully');
        waitAbort.abort();
        if (instance) removeInstance(options.home, instance.pid);
        // --- pub/sub subscriptions: stop taking messages now; in-flight deliveries finish while the servers drain.
        const draining = deliveries?.stop(options.gracefulShutdownSeconds * 1000);
        // --- end pub/sub subscriptions
        // --- input bindings: stop reading now; in-flight posts to the app finish while the servers drain.
        const bindingsDraining = inputBindings?.stop(options.gracefulShutdownSeconds * 1000);
        // --- end input bindings
        await closeServers(servers, options.gracefulShutdownSeconds * 1000);
        await draining;
        await bindingsDraining;
        directMessaging.close();
        mtls?.close();
        appChannel?.close();
        await store.closeAll();
        logger.info('minidaprd stopped');
      })();
      return stopping;
    },
    ports() {
      return { http: httpPort, internal: internalPort, metrics: metricsPort };
    },
  };
  return runtime;
}

/** Stop accepting, let in-flight requests finish up to the grace period, then cut what is left. */
async function closeServers(servers: Server[], graceMs: number): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => s.closeAllConnections(), graceMs);
          s.close(() => {
            clearTimeout(timer);
            resolve();
          });
          s.closeIdleConnections();
        }),
    ),
  );
}
