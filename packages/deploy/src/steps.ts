/**
 * @module steps
 * The quickstart steps that ship container files, as data: which apps (app id, app port) each
 * variant runs, where its run file, compose file and Kubernetes kustomization live, and which
 * components (by name) the apps use. Every consistency check reads this table, so a new step
 * (pubsub, bindings) is one entry here plus its files. A step whose parts reuse app ids (resiliency)
 * has one entry per part, each with its own compose project and namespace.
 */
export interface AppSpec {
  appId: string;
  /** The port the app listens on; undefined for pure clients. */
  appPort?: number;
}

export interface VariantSpec {
  /** The variant's folder under the step (`http`, `sdk`, `sdk-grpc`, `python`, `node`). */
  name: string;
  /** The variant's folder, relative to the repository root. */
  dir: string;
  /** images.yaml `built` key of the variant's image. */
  image: string;
  apps: AppSpec[];
  /** The multi-app run file, relative to the repository root, when the variant has one. */
  runFile?: string;
  /** The README that runs the variant locally, relative to the repository root. */
  readme: string;
}

export interface StepSpec {
  name: string;
  variants: VariantSpec[];
  /** compose/<step> folder (relative to the root) holding compose.yaml. */
  compose?: string;
  /** Kustomization folders (relative to the root) that run the step with minidaprd sidecars. */
  k8s: string[];
  /** Kustomization folders that run the step with real Dapr (annotations + dapr.io Components). */
  k8sDapr: string[];
  /** Components the apps use by name (secret stores excluded): the same names everywhere. */
  components: string[];
  /** The step's local resources folder, whose component names the containers must keep. */
  localResources?: string;
  /** Pub/sub topics the apps use (for the pubsub step). */
  topics?: string[];
}

const slimVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/hello-dapr-slim/${name}`,
  image: `hello-dapr-slim-${name}`,
  apps: [{ appId: 'nodeapp', appPort: 3000 }],
  readme: `quickstarts/hello-dapr-slim/${name}/README.md`,
});

const SUFFIX: Record<string, string> = { http: 'http', sdk: 'sdk', 'sdk-grpc': 'sdk-grpc', python: 'py' };
const INVOCATION_PORTS: Record<string, number> = { http: 5001, sdk: 5002, python: 5003, 'sdk-grpc': 5007 };

const invocationVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/service-invocation/${name}`,
  image: `service-invocation-${name}`,
  apps: [{ appId: `order-processor-${SUFFIX[name]}`, appPort: INVOCATION_PORTS[name] }, { appId: `checkout-${SUFFIX[name]}` }],
  runFile: `quickstarts/service-invocation/${name}/dapr.yaml`,
  readme: `quickstarts/service-invocation/${name}/README.md`,
});

const stateVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/state-management/${name}`,
  image: `state-management-${name}`,
  apps: [{ appId: `order-processor-${SUFFIX[name]}` }],
  runFile: `quickstarts/state-management/${name}/dapr.yaml`,
  readme: `quickstarts/state-management/${name}/README.md`,
});

const PUBSUB_PORTS: Record<string, number> = { http: 5011, sdk: 5012, python: 5013, 'sdk-grpc': 5014 };

const pubsubVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/pubsub/${name}`,
  image: `pubsub-${name}`,
  apps: [{ appId: `order-processor-${SUFFIX[name]}`, appPort: PUBSUB_PORTS[name] }, { appId: `checkout-${SUFFIX[name]}` }],
  runFile: `quickstarts/pubsub/${name}/dapr.yaml`,
  readme: `quickstarts/pubsub/${name}/README.md`,
});

const BINDINGS_PORTS: Record<string, number> = { http: 5004, sdk: 5005, python: 5006 };

const bindingsVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/bindings/${name}`,
  image: `bindings-${name}`,
  apps: [{ appId: `batch-${SUFFIX[name]}`, appPort: BINDINGS_PORTS[name] }],
  runFile: `quickstarts/bindings/${name}/dapr.yaml`,
  readme: `quickstarts/bindings/${name}/README.md`,
});

const RESILIENCY_PORTS: Record<string, number> = { http: 5021, sdk: 5022, python: 5023 };

/**
 * The service-to-app part: compose/resiliency and k8s/resiliency. The service-to-component part
 * (below) runs order-processor-state under the same app id, so its compose project and namespace
 * are apart: compose/resiliency/state and k8s/resiliency/state.
 */
const resiliencyVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/resiliency/${name}`,
  image: `resiliency-${name}`,
  apps: [{ appId: `order-processor-${SUFFIX[name]}`, appPort: RESILIENCY_PORTS[name] }, { appId: `checkout-${SUFFIX[name]}` }],
  readme: `quickstarts/resiliency/${name}/README.md`,
});

/** The service-to-component part: order-processor-state, a pure client of `statestore`. */
const resiliencyStateVariant = (name: string): VariantSpec => ({
  name,
  dir: `quickstarts/resiliency/${name}`,
  image: `resiliency-${name}`,
  apps: [{ appId: `order-processor-${SUFFIX[name]}` }],
  readme: `quickstarts/resiliency/${name}/README.md`,
});

const helloWorldVariants: VariantSpec[] = [
  { name: 'node', dir: 'quickstarts/hello-world/node', image: 'hello-world-node', apps: [{ appId: 'nodeapp', appPort: 3000 }], readme: 'quickstarts/hello-world/README.md' },
  { name: 'python', dir: 'quickstarts/hello-world/python', image: 'hello-world-python', apps: [{ appId: 'pythonapp' }], readme: 'quickstarts/hello-world/README.md' },
];

export const STEPS: readonly StepSpec[] = [
  {
    name: 'hello-dapr-slim',
    variants: ['http', 'sdk', 'python'].map(slimVariant),
    compose: 'compose/hello-dapr-slim',
    k8s: ['k8s/hello-dapr-slim'],
    k8sDapr: [],
    components: [],
  },
  {
    name: 'hello-world',
    variants: helloWorldVariants,
    compose: 'compose/hello-world',
    k8s: ['k8s/hello-world'],
    k8sDapr: [],
    components: ['statestore'],
    localResources: 'quickstarts/hello-world/resources',
  },
  {
    name: 'hello-kubernetes',
    // The hello-world apps: one code base. The run file starts both from their hello-world folders.
    variants: [
      {
        name: 'hello-kubernetes',
        dir: 'quickstarts/hello-kubernetes',
        image: 'hello-world-node',
        apps: [{ appId: 'nodeapp', appPort: 3000 }, { appId: 'pythonapp' }],
        runFile: 'quickstarts/hello-kubernetes/dapr.yaml',
        readme: 'quickstarts/hello-kubernetes/README.md',
      },
    ],
    compose: 'compose/hello-world',
    k8s: ['k8s/hello-kubernetes'],
    k8sDapr: ['k8s/hello-kubernetes/dapr'],
    components: ['statestore'],
    localResources: 'quickstarts/hello-world/resources',
  },
  {
    name: 'service-invocation',
    variants: ['http', 'sdk', 'sdk-grpc', 'python'].map(invocationVariant),
    compose: 'compose/service-invocation',
    k8s: ['k8s/service-invocation'],
    k8sDapr: [],
    components: [],
  },
  {
    name: 'pubsub',
    variants: ['http', 'sdk', 'sdk-grpc', 'python'].map(pubsubVariant),
    compose: 'compose/pubsub',
    k8s: ['k8s/pubsub'],
    k8sDapr: [],
    components: ['orderpubsub'],
    localResources: 'quickstarts/pubsub/resources',
    topics: ['orders'],
  },
  {
    name: 'bindings',
    variants: ['http', 'sdk', 'python'].map(bindingsVariant),
    compose: 'compose/bindings',
    k8s: ['k8s/bindings'],
    k8sDapr: [],
    components: ['cron', 'sqldb'],
    localResources: 'quickstarts/bindings/resources',
  },
  {
    name: 'state-management',
    variants: ['http', 'sdk', 'python'].map(stateVariant),
    compose: 'compose/state-management',
    k8s: ['k8s/state-management'],
    k8sDapr: [],
    components: ['statestore'],
    localResources: 'quickstarts/state-management/resources',
  },
  {
    name: 'resiliency',
    variants: ['http', 'sdk', 'python'].map(resiliencyVariant),
    compose: 'compose/resiliency',
    k8s: ['k8s/resiliency'],
    k8sDapr: [],
    components: [],
    localResources: 'quickstarts/resiliency/resources',
  },
  {
    // A part of the resiliency step, with files of its own: its app ids clash with the part above.
    name: 'resiliency (service-to-component)',
    variants: ['http', 'sdk', 'python'].map(resiliencyStateVariant),
    compose: 'compose/resiliency/state',
    k8s: ['k8s/resiliency/state'],
    k8sDapr: [],
    components: ['statestore'],
    localResources: 'quickstarts/resiliency/resources-state',
  },
];

/** Every (appId, appPort) pair a step runs, across its variants, as sorted `id:port` strings. */
export function appKeys(step: StepSpec): string[] {
  const keys = new Set<string>();
  for (const v of step.variants) for (const a of v.apps) keys.add(`${a.appId}:${a.appPort ?? '-'}`);
  return [...keys].sort();
}
