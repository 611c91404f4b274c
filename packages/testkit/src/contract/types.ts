/**
 * @module contract/types
 * The component shapes the in-process contract suites drive. They mirror the runtime's contracts
 * (packages/runtime/src/components/{types,state/contract,pubsub/contract}.ts) structurally, so the
 * runtime's components satisfy them without testkit depending on @minidapr/runtime (whose tests
 * depend on testkit). Only what the suites call is declared; methods use method syntax so the
 * runtime's narrower request types still fit.
 */

/** The init context every component gets (runtime `InitContext`). */
export interface ContractInitContext {
  appId: string;
  namespace?: string;
  cwd: string;
}

/** The base of every component (runtime `Component`). */
export interface ContractComponent {
  init(metadata: Record<string, string>, ctx: ContractInitContext): Promise<void>;
  close(): Promise<void>;
  features(): readonly string[];
}

/** Feature names as the runtime declares them (STATE_FEATURES, PUBSUB_FEATURES). */
export const STATE_FEATURE = {
  ETAG: 'ETAG',
  TRANSACTIONAL: 'TRANSACTIONAL',
  QUERY_API: 'QUERY_API',
  TTL: 'TTL',
  DELETE_WITH_PREFIX: 'DELETE_WITH_PREFIX',
  KEYS_LIKE: 'KEYS_LIKE',
} as const;

export const PUBSUB_FEATURE = {
  MESSAGE_TTL: 'MESSAGE_TTL',
  SUBSCRIBE_WILDCARDS: 'SUBSCRIBE_WILDCARDS',
  BULK_PUBSUB: 'BULK_PUBSUB',
} as const;

export interface ContractStateOptions {
  concurrency?: 'first-write' | 'last-write';
  consistency?: 'strong' | 'eventual';
}

export interface ContractGetRequest {
  key: string;
  metadata?: Record<string, string>;
  options?: ContractStateOptions;
}

export interface ContractGetResponse {
  data: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
}

export interface ContractSetRequest {
  key: string;
  value: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
  options?: ContractStateOptions;
}

export interface ContractDeleteRequest {
  key: string;
  etag?: string;
  metadata?: Record<string, string>;
  options?: ContractStateOptions;
}

export type ContractTransactionOperation =
  | { operation: 'upsert'; request: ContractSetRequest }
  | { operation: 'delete'; request: ContractDeleteRequest };

/** A filter of Dapr's state query language; the suites build them, the store interprets them. */
export type ContractQueryFilter = Record<string, unknown>;

export interface ContractQueryRequest {
  filter?: ContractQueryFilter;
  sort?: Array<{ key: string; order?: 'ASC' | 'DESC' }>;
  page?: { limit?: number; token?: string };
  keyPrefix: string;
  metadata?: Record<string, string>;
}

export interface ContractQueryResponse {
  results: Array<{ key: string; data: Buffer; etag?: string; error?: string }>;
  token?: string;
}

/** One result of an optional component-level bulk get (components-contrib BulkGet). */
export interface ContractBulkGetItem {
  key: string;
  data?: Buffer;
  etag?: string;
  error?: string;
}

/**
 * A state store: the base operations plus the optional capabilities. `multi` must exist exactly
 * when TRANSACTIONAL is claimed and `query` exactly when QUERY_API is (the runtime's isTransactional
 * and isQueryable guards check both); `bulkGet` is optional (the API layer falls back to parallel gets).
 */
export interface ContractStateStore extends ContractComponent {
  get(req: ContractGetRequest): Promise<ContractGetResponse | undefined>;
  set(req: ContractSetRequest): Promise<void>;
  delete(req: ContractDeleteRequest): Promise<void>;
  multi?(operations: readonly ContractTransactionOperation[], metadata?: Record<string, string>): Promise<void>;
  query?(req: ContractQueryRequest): Promise<ContractQueryResponse>;
  bulkGet?(reqs: readonly ContractGetRequest[]): Promise<ContractBulkGetItem[]>;
}

export interface ContractPublishRequest {
  topic: string;
  data: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface ContractMessage {
  topic: string;
  data: Buffer;
  metadata?: Record<string, string>;
}

export type ContractHandlerResult = 'success' | 'retry' | 'drop';

/** One entry of a bulk publish (components-contrib pubsub.BulkMessageEntry). */
export interface ContractBulkEntry {
  entryId: string;
  data: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
}

/** A pub/sub broker; `bulkPublish` exists exactly when BULK_PUBSUB is claimed. */
export interface ContractPubSub extends ContractComponent {
  publish(req: ContractPublishRequest): Promise<void>;
  subscribe(req: { topic: string; metadata?: Record<string, string> }, handler: (msg: ContractMessage) => Promise<ContractHandlerResult>): Promise<() => Promise<void>>;
  bulkPublish?(req: { topic: string; entries: readonly ContractBulkEntry[]; metadata?: Record<string, string> }): Promise<{ failedEntries: Array<{ entryId: string; error: string }> }>;
}

/** Where a suite's component needs a real service (Redis, PostgreSQL): checked once in beforeAll. */
export interface ContractService {
  name: string;
  host: string;
  port: number;
}

/** What every suite takes besides the factory. */
export interface ContractCommonOptions {
  /** Shown in the describe title, e.g. `state.redis`. */
  name: string;
  /** Metadata for init(); a function is called once per instance (fresh consumer ids, paths). */
  metadata?: Record<string, string> | (() => Record<string, string>);
  /** The init context; defaults to app id `contract` and the process's working directory. */
  context?: () => ContractInitContext;
  /** A real service the component needs: a SKIPPED line when it is missing, a failure under CI=true. */
  service?: ContractService;
  /** Asked at test time (after every beforeAll): false makes each case pass trivially (a fixture printed why). */
  available?: () => boolean;
  /** The exact feature list the component must declare (sorted comparison). */
  expectedFeatures?: readonly string[];
  /** Case title → reason: such a case is registered as skipped with the reason in its title. */
  knownFailures?: Readonly<Record<string, string>>;
  /** Runs in afterAll after every instance is closed (drop tables, delete keys). */
  cleanup?: () => Promise<void>;
}
