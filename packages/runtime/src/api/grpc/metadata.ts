/**
 * @module api/grpc/metadata
 * GetMetadata (the HTTP API's buildMetadata mapped onto GetMetadataResponse: one builder for both),
 * SetMetadata (extended metadata, same limits as PUT /v1.0/metadata/{key}) and Shutdown.
 */
import { buildMetadata } from '../http/metadata';
import { setMetadata } from '../universal/metadata';
import type { GrpcDeps, HandlerModule } from './call';

type Empty = Record<string, never>;

interface ComponentPb {
  name: string;
  type: string;
  version: string;
  capabilities: string[];
}

interface SubscriptionPb {
  pubsubName: string;
  topic: string;
  metadata: Record<string, string>;
  rules: { rules: Array<{ match: string; path: string }> };
  deadLetterTopic: string;
  type: number;
}

export interface GetMetadataResponsePb {
  id: string;
  activeActorsCount: Array<{ type: string; count: number }>;
  registeredComponents: ComponentPb[];
  extendedMetadata: Record<string, string>;
  subscriptions: SubscriptionPb[];
  httpEndpoints: Array<{ name: string }>;
  appConnectionProperties: {
    port: number;
    protocol: string;
    channelAddress: string;
    maxConcurrency: number;
    health?: { healthCheckPath: string; healthProbeInterval: string; healthProbeTimeout: string; healthThreshold: number };
  };
  runtimeVersion: string;
  enabledFeatures: string[];
  actorRuntime: { runtimeStatus: number; activeActors: Array<{ type: string; count: number }>; hostReady: boolean; placement: string };
}

interface SetMetadataRequestPb {
  key: string;
  value: string;
}

/** PubsubSubscriptionType numbers. */
const SUBSCRIPTION_TYPES: Record<string, number> = { DECLARATIVE: 1, PROGRAMMATIC: 2, STREAMING: 3 };
/** ActorRuntimeStatus numbers. */
const ACTOR_STATUS: Record<string, number> = { INITIALIZING: 0, DISABLED: 1, RUNNING: 2 };

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).map(([k, x]) => [k, str(x)]));

/** The HTTP metadata body (buildMetadata) as GetMetadataResponse. */
export function toGetMetadataResponse(body: Json): GetMetadataResponsePb {
  const acp = obj(body.appConnectionProperties);
  const actor = obj(body.actorRuntime);
  const res: GetMetadataResponsePb = {
    id: str(body.id),
    activeActorsCount: [],
    registeredComponents: list(body.components).map((c) => ({ name: str(c.name), type: str(c.type), version: str(c.version), capabilities: strings(c.capabilities) })),
    extendedMetadata: strMap(body.extended),
    subscriptions: list(body.subscriptions).map((s) => ({
      pubsubName: str(s.pubsubname),
      topic: str(s.topic),
      metadata: strMap(s.metadata),
      rules: { rules: list(s.rules).map((r) => ({ match: str(r.match), path: str(r.path) })) },
      deadLetterTopic: str(s.deadLetterTopic),
      type: SUBSCRIPTION_TYPES[str(s.type)] ?? 0,
    })),
    httpEndpoints: list(body.httpEndpoints).map((e) => ({ name: str(e.name) })),
    appConnectionProperties: {
      port: Number(acp.port ?? 0),
      protocol: str(acp.protocol),
      channelAddress: str(acp.channelAddress),
      maxConcurrency: Number(acp.maxConcurrency ?? 0),
    },
    runtimeVersion: str(body.runtimeVersion),
    enabledFeatures: strings(body.enabledFeatures),
    actorRuntime: { runtimeStatus: ACTOR_STATUS[str(actor.runtimeStatus)] ?? 0, activeActors: [], hostReady: actor.hostReady === true, placement: str(actor.placement) },
  };
  if (acp.health !== undefined) {
    const h = obj(acp.health);
    res.appConnectionProperties.health = {
      healthCheckPath: str(h.healthCheckPath),
      healthProbeInterval: str(h.healthProbeInterval),
      healthProbeTimeout: str(h.healthProbeTimeout),
      healthThreshold: Number(h.healthThreshold ?? 0),
    };
  }
  return res;
}

export const handlers: HandlerModule = {
  unary: {
    GetMetadata: async (deps: GrpcDeps): Promise<GetMetadataResponsePb> => toGetMetadataResponse(buildMetadata(deps.ctx.deps)),
    SetMetadata: async (deps: GrpcDeps, call: { request: SetMetadataRequestPb }): Promise<Empty> => {
      const d = deps.ctx.deps;
      setMetadata({ extended: d.metadata.extended, onChange: d.onExtendedChange }, { key: call.request.key, value: Buffer.from(call.request.value, 'utf8') });
      return {};
    },
    /** Answers first, then shuts down gracefully (as POST /v1.0/shutdown). */
    Shutdown: async (deps: GrpcDeps): Promise<Empty> => {
      setImmediate(() => deps.ctx.deps.requestShutdown(false));
      return {};
    },
  },
};
