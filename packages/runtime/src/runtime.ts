/**
 * @module runtime
 * createRuntime(options) wires the sidecar together and implements nothing itself: the sidecar is
 * the ordered list of lifecycle parts in RUNTIME_PARTS (lifecycle/*), started in order and stopped
 * in reverse. Nothing starts on import.
 */
import type { RequestListener } from 'node:http';
import { invokeOutputBinding } from './api/universal/bindings';
import { universalOf } from './api/http/context';
import { GrpcAppChannel } from './app-channel/grpc';
import { HttpAppCallbacks } from './app-channel/http';
import type { AppCallbacks } from './app-channel/types';
import { InputBindings } from './bindings/input';
import { registerBuiltins } from './components/builtin';
import type { Registry } from './components/registry';
import { ComponentStore } from './components/store';
import { AppChannel } from './invoke/app-channel';
import { appHealthPart, appPortPart, inputBindingsPart, readyPart, subscriptionsPart } from './lifecycle/app';
import { componentsPart } from './lifecycle/components';
import { configurationPart } from './lifecycle/configuration';
import { grpcServerPart } from './lifecycle/grpc';
import { Lifecycle, type LifecyclePart, type RuntimeContext } from './lifecycle/context';
import { invocationPart, makeDirectMessaging } from './lifecycle/invocation';
import { mtlsPart } from './lifecycle/mtls';
import { registrationPart } from './lifecycle/registration';
import { tracingPart } from './lifecycle/tracing';
import { metricsServerPart, peerServerPart, publicServerPart } from './lifecycle/servers';
import { createLogger, type Logger } from './logger';
import { createHttpMetrics } from './metrics/metrics';
import { createNameResolver, writeInstance } from './nameresolution';
import type { RuntimeOptions } from './options';
import { Deliveries } from './pubsub/delivery';
import { createResiliencyMetrics } from './resiliency/metrics';
import { Resiliency } from './resiliency/resiliency';
import { createApp } from './server/app';
import type { AppDeps, HealthState, MetadataState } from './server/deps';
import { guardFor } from './server/request-guard';
import { RUNTIME_VERSION } from './version';

/**
 * The sidecar, in start order: configuration first (the others depend on it), tracing, then mTLS,
 * invocation, components, the listeners (public HTTP, gRPC API, sidecar-to-sidecar, metrics) and the registration; from the app port on, the
 * parts run in the background once the app listens.
 */
export const RUNTIME_PARTS: readonly LifecyclePart[] = [
  configurationPart,
  tracingPart,
  mtlsPart,
  invocationPart,
  componentsPart,
  publicServerPart,
  grpcServerPart,
  peerServerPart,
  metricsServerPart,
  registrationPart,
  appPortPart,
  appHealthPart,
  subscriptionsPart,
  inputBindingsPart,
  readyPart,
];

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
  ports(): { http: number; internal: number; grpc: number; metrics?: number };
}

export function createRuntime(options: RuntimeOptions, overrides: RuntimeOverrides = {}): Runtime {
  const logger = overrides.logger ?? createLogger({ appId: options.appId, level: options.logLevel, json: options.logAsJson, version: RUNTIME_VERSION });
  const health: HealthState = { outboundReady: false, ready: false };
  const metadata: MetadataState = { extended: new Map(), enabledFeatures: [], subscriptions: [], httpEndpoints: [] };
  const metrics = options.enableMetrics ? createHttpMetrics(options.appId, true) : undefined;
  // P4: app callbacks (begin) — the app channel, deliveries and input bindings; P4 replaces this block.
  // The HTTP app channel also waits for the app port and holds the --app-max-concurrency limiter
  // (a gRPC app's calls share it).
  const appChannel = options.appPort
    ? new AppChannel({
        protocol: options.appProtocol === 'https' ? 'https' : 'http',
        address: options.appChannelAddress,
        port: options.appPort,
        appApiToken: options.appApiToken,
        maxConcurrency: options.appMaxConcurrency,
      })
    : undefined;
  const grpcApp = options.appProtocol === 'grpc' || options.appProtocol === 'grpcs';
  const appCallbacks: AppCallbacks | undefined = !appChannel
    ? undefined
    : grpcApp
      ? new GrpcAppChannel({
          address: options.appChannelAddress,
          port: appChannel.opts.port,
          tls: options.appProtocol === 'grpcs',
          appApiToken: options.appApiToken,
          limiter: appChannel,
          maxMessageBytes: options.maxBodySize,
          logger,
          listBindingsTimeoutMs: options.appBindingOptionsTimeoutMs,
          async outputBinding(name, data) {
            await invokeOutputBinding(universalOf(deps), { name, operation: 'create', data, metadata: {} });
          },
        })
      : options.appProtocol === 'http' || options.appProtocol === 'https'
        ? new HttpAppCallbacks(appChannel, { logger, healthCheckPath: options.appHealthCheckPath, maxResponseBytes: options.maxBodySize })
        : undefined;
  const deliveries = appCallbacks ? new Deliveries({ app: appCallbacks, logger, tracing: () => deps.tracing, resiliency: () => ctx.resiliency }) : undefined;
  const inputBindings = appCallbacks
    ? new InputBindings({ app: appCallbacks, channel: appChannel, logger, maxResponseBytes: options.maxBodySize, optionsTimeoutMs: options.appBindingOptionsTimeoutMs, tracing: () => deps.tracing, resiliency: () => ctx.resiliency })
    : undefined;
  // P4: app callbacks (end)
  const guard = guardFor(options);
  const abort = new AbortController();
  const drains: Array<Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;

  const deps: AppDeps = {
    options,
    guard,
    logger,
    store: new ComponentStore(),
    health,
    metadata,
    get directMessaging() {
      return ctx.directMessaging;
    },
    apiLogging: options.enableApiLogging ?? false,
    metrics,
    get resiliency() {
      return ctx.resiliency;
    },
    runtimeVersion: RUNTIME_VERSION,
    onExtendedChange(key, value) {
      if (!ctx.instance || !MIRRORED_KEYS.has(key)) return;
      ctx.instance.extended[key] = value;
      writeInstance(options.home, ctx.instance);
    },
    requestShutdown(force) {
      if (overrides.onShutdownRequested) overrides.onShutdownRequested(force);
      else void runtime.stop();
    },
  };
  const app = createApp(deps);
  const ctx: RuntimeContext = {
    options,
    logger,
    env: overrides.env ?? process.env,
    registry: overrides.registry ?? registerBuiltins(),
    store: deps.store,
    health,
    metadata,
    metrics,
    resiliencyMetrics: metrics ? createResiliencyMetrics(metrics.registry) : undefined,
    appChannel,
    deps,
    app,
    guard,
    timeouts: { headersTimeoutMs: options.readHeaderTimeoutMs, bodyIdleTimeoutMs: options.readBodyIdleTimeoutMs },
    startedAt: Date.now(),
    signal: abort.signal,
    graceMs: options.gracefulShutdownSeconds * 1000,
    resolver: createNameResolver(undefined, options.home),
    directMessaging: undefined as never,
    declarativeSubs: [],
    resiliency: Resiliency.none({ appId: options.appId, namespace: options.namespace, logger }),
    deliveries,
    inputBindings,
    appCallbacks,
    ports: { http: options.daprHttpPort, internal: options.daprInternalPort, grpc: options.daprGrpcPort },
    drain: (p) => void drains.push(p),
    drained: async () => void (await Promise.allSettled(drains)),
  };
  ctx.directMessaging = makeDirectMessaging(ctx, ctx.resolver);
  const lifecycle = new Lifecycle(RUNTIME_PARTS, ctx);

  const runtime: Runtime = {
    options,
    logger,
    app,
    health,
    async start() {
      logger.info(`Starting minidaprd -- version ${RUNTIME_VERSION}`);
      logger.info(`app id: ${options.appId}`);
      await lifecycle.start();
    },
    async stop() {
      stopping ??= (async () => {
        logger.info('shutting down gracefully');
        abort.abort();
        await lifecycle.stop();
        await ctx.drained();
        logger.info('minidaprd stopped');
      })();
      return stopping;
    },
    ports() {
      return { ...ctx.ports };
    },
  };
  return runtime;
}
