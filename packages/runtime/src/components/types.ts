/**
 * @module components/types
 * The base contract every component implements, and the manifest shape loaded from YAML.
 */
/** The component categories (the `spec.type` prefix); a new building block's category is one more entry. */
export const CATEGORIES = ['state', 'pubsub', 'bindings', 'secretstores'] as const;

export type Category = (typeof CATEGORIES)[number];

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** One `spec.metadata[]` entry as written in the manifest. */
export interface MetadataItem {
  name: string;
  value?: string;
  secretKeyRef?: { name: string; key: string };
  envRef?: string;
}

export interface ComponentManifest {
  name: string;
  namespace?: string;
  type: string; // e.g. state.redis
  category: Category;
  version: string; // '' means the initial version
  metadata: MetadataItem[];
  ignoreErrors: boolean;
  initTimeoutMs: number;
  scopes: string[];
  secretStore?: string;
  file: string;
}

/** Resolved metadata handed to init(): a flat string map. */
export type MetadataMap = Record<string, string>;

export interface InitContext {
  appId: string;
  namespace?: string;
  /** Directory relative paths in metadata resolve against (daprd's working directory). */
  cwd: string;
}

export interface Component {
  init(metadata: MetadataMap, ctx: InitContext): Promise<void>;
  close(): Promise<void>;
  /** Capability names as Dapr reports them in /v1.0/metadata (ETAG, TRANSACTIONAL, ...). */
  features(): readonly string[];
}

export interface FactoryContext {
  logger: Logger;
}

export type ComponentFactory<T extends Component = Component> = (ctx: FactoryContext) => T;
