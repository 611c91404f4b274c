/**
 * @module api/grpc/metadata
 * GetMetadata (the HTTP API's buildMetadata mapped onto GetMetadataResponse: one builder for both),
 * SetMetadata (extended metadata, same limits as PUT /v1.0/metadata/{key}) and Shutdown.
 */
import { buildMetadata } from '../http/metadata';
import { setMetadata } from '../universal/metadata';
import type { GrpcDeps, HandlerModule } from './call';

interface Empty {}

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

type Json = Record<string, any>;

/** The HTTP metadata body (buildMetadata) as GetMetadataResponse. */
export function toGetMetadataResponse(body: Json): GetMetadataResponsePb {
  const acp = (body.appConnectionProperties ?? {}) as Json;
  const actor = (body.actorRuntime ?? {}) as Json;
  const res: GetMetadataResponsePb = {
    id: String(body.id ?? ''),
    activeActorsCount: [],
    registeredComponents: ((body.components ?? []) as Json[]).map((c) => ({
      name: String(c.name),
      type: String(c.type),
      version: String(c.version ?? ''),
      capabilities: (c.capabilities ?? []) as string[],
    })),
    extendedMetadata: { ...(body.extended as Record<string, string>) },
    subscriptions: ((body.subscriptions ?? []) as Json[]).map((s) => ({
      pubsubName: String(s.pubsubname),
      topic: String(s.topic),
      metadata: { ...(s.metadata as Record<string, string> | undefined) },
      rules: { rules: ((s.rules ?? []) as Json[]).map((r) => ({ match: String(r.match ?? ''), path: String(r.path ?? '') })) },
      deadLetterTopic: String(s.deadLetterTopic ?? ''),
      type: SUBSCRIPTION_TYPES[String(s.type)] ?? 0,
    })),
    httpEndpoints: ((body.httpEndpoints ?? []) as Json[]).map((e) => ({ name: String(e.name) })),
    appConnectionProperties: {
      port: Number(acp.port ?? 0),
      protocol: String(acp.protocol ?? ''),
      channelAddress: String(acp.channelAddress ?? ''),
      maxConcurrency: Number(acp.maxConcurrency ?? 0),
    },
    runtimeVersion: String(body.runtimeVersion ?? ''),
    enabledFeatures: (body.enabledFeatures ?? []) as string[],
    actorRuntime: {
      runtimeStatus: ACTOR_STATUS[String(actor.runtimeStatus)] ?? 0,
      activeActors: [],
      hostReady: Boolean(actor.hostReady),
      placement: String(actor.placement ?? ''),
    },
  };
  if (acp.health) {
    const h = acp.health as Json;
    res.appConnectionProperties.health = {
      healthCheckPath: String(h.healthCheckPath ?? ''),
      healthProbeInterval: String(h.healthProbeInterval ?? ''),
      healthProbeTimeout: String(h.healthProbeTimeout ?? ''),
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
