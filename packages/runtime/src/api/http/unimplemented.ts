/**
 * @module api/http/unimplemented
 * The daprd HTTP routes of building blocks minidaprd does not implement (actors, configuration,
 * distributed lock, workflow, jobs, cryptography, conversation), declared with daprd's routes and
 * methods so that a call gets 501 ERR_API_UNIMPLEMENTED naming the API, instead of falling through to
 * service invocation ("failed getting app id"). A wrong method on these routes still falls through,
 * as in daprd. Routes: dapr/dapr `pkg/api/http/{actors,config,lock,workflow,jobs,crypto,subtlecrypto,conversation}.go`.
 */
import { commonErrors } from '../../errors/common';
import type { Endpoint } from '../../server/endpoints';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface RouteSpec {
  /** daprd's endpoint name; the version suffix is added for non-v1.0 routes. */
  name: string;
  methods: readonly Method[];
  /** The route after `/<version>/`. */
  route: string;
}

interface UnsupportedApi {
  /** How messages name the API. */
  label: string;
  /** The endpoint group (Configuration `spec.api` names). */
  group: string;
  versions: readonly string[];
  routes: readonly RouteSpec[];
}

const VERSION_SUFFIX: Readonly<Record<string, string>> = { 'v1.0': '', 'v1.0-alpha1': 'Alpha1', 'v1.0-alpha2': 'Alpha2', 'v1.0-beta1': 'Beta1' };

const WORKFLOW = 'workflows/:workflowComponent';

const UNSUPPORTED_APIS: readonly UnsupportedApi[] = [
  {
    label: 'actors',
    group: 'actors',
    versions: ['v1.0'],
    routes: [
      { name: 'ExecuteActorStateTransaction', methods: ['POST', 'PUT'], route: 'actors/:actorType/:actorId/state' },
      { name: 'InvokeActor', methods: ['GET', 'POST', 'DELETE', 'PUT'], route: 'actors/:actorType/:actorId/method/:method' },
      { name: 'GetActorState', methods: ['GET'], route: 'actors/:actorType/:actorId/state/:key' },
      { name: 'RegisterActorReminder', methods: ['POST', 'PUT'], route: 'actors/:actorType/:actorId/reminders/:name' },
      { name: 'RegisterActorTimer', methods: ['POST', 'PUT'], route: 'actors/:actorType/:actorId/timers/:name' },
      { name: 'UnregisterActorReminder', methods: ['DELETE'], route: 'actors/:actorType/:actorId/reminders/:name' },
      { name: 'UnregisterActorTimer', methods: ['DELETE'], route: 'actors/:actorType/:actorId/timers/:name' },
      { name: 'GetActorReminder', methods: ['GET'], route: 'actors/:actorType/:actorId/reminders/:name' },
    ],
  },
  {
    label: 'configuration',
    group: 'configuration',
    versions: ['v1.0-alpha1', 'v1.0'],
    routes: [
      { name: 'GetConfiguration', methods: ['GET'], route: 'configuration/:storeName' },
      { name: 'SubscribeConfiguration', methods: ['GET'], route: 'configuration/:storeName/subscribe' },
      { name: 'UnsubscribeConfiguration', methods: ['GET'], route: 'configuration/:storeName/:configurationSubscribeID/unsubscribe' },
    ],
  },
  {
    label: 'distributed lock',
    group: 'lock',
    versions: ['v1.0-alpha1'],
    routes: [
      { name: 'TryLock', methods: ['POST'], route: 'lock/:storeName' },
      { name: 'Unlock', methods: ['POST'], route: 'unlock/:storeName' },
    ],
  },
  {
    label: 'workflow',
    group: 'workflows',
    versions: ['v1.0-alpha1', 'v1.0-beta1', 'v1.0'],
    routes: [
      { name: 'GetWorkflow', methods: ['GET'], route: `${WORKFLOW}/:instanceID` },
      { name: 'RaiseEventWorkflow', methods: ['POST'], route: `${WORKFLOW}/:instanceID/raiseEvent/:eventName` },
      { name: 'StartWorkflow', methods: ['POST'], route: `${WORKFLOW}/:workflowName/start` },
      { name: 'PauseWorkflow', methods: ['POST'], route: `${WORKFLOW}/:instanceID/pause` },
      { name: 'ResumeWorkflow', methods: ['POST'], route: `${WORKFLOW}/:instanceID/resume` },
      { name: 'TerminateWorkflow', methods: ['POST'], route: `${WORKFLOW}/:instanceID/terminate` },
      { name: 'PurgeWorkflow', methods: ['POST'], route: `${WORKFLOW}/:instanceID/purge` },
    ],
  },
  {
    label: 'jobs',
    group: 'jobs',
    versions: ['v1.0-alpha1', 'v1.0'],
    routes: [
      { name: 'ScheduleJob', methods: ['POST'], route: 'jobs/:name' },
      { name: 'DeleteJob', methods: ['DELETE'], route: 'jobs/:name' },
      { name: 'GetJob', methods: ['GET'], route: 'jobs/:name' },
    ],
  },
  {
    label: 'cryptography',
    group: 'crypto',
    versions: ['v1.0-alpha1'],
    routes: [
      { name: 'Encrypt', methods: ['PUT'], route: 'crypto/:name/encrypt' },
      { name: 'Decrypt', methods: ['PUT'], route: 'crypto/:name/decrypt' },
    ],
  },
  {
    label: 'cryptography (subtle)',
    group: 'subtlecrypto',
    versions: ['v1.0-alpha1'],
    routes: [
      { name: 'SubtleGetKey', methods: ['POST'], route: 'subtlecrypto/:name/getkey' },
      { name: 'SubtleEncrypt', methods: ['POST'], route: 'subtlecrypto/:name/encrypt' },
      { name: 'SubtleDecrypt', methods: ['POST'], route: 'subtlecrypto/:name/decrypt' },
      { name: 'SubtleWrapKey', methods: ['POST'], route: 'subtlecrypto/:name/wrapkey' },
      { name: 'SubtleUnwrapKey', methods: ['POST'], route: 'subtlecrypto/:name/unwrapkey' },
      { name: 'SubtleSign', methods: ['POST'], route: 'subtlecrypto/:name/sign' },
      { name: 'SubtleVerify', methods: ['POST'], route: 'subtlecrypto/:name/verify' },
    ],
  },
  {
    label: 'conversation',
    group: 'conversation',
    versions: ['v1.0-alpha1', 'v1.0-alpha2'],
    routes: [{ name: 'Converse', methods: ['POST'], route: 'conversation/:name/converse' }],
  },
];

export function unimplementedEndpoints(): Endpoint[] {
  return UNSUPPORTED_APIS.flatMap((api) =>
    api.versions.flatMap((version) =>
      api.routes.map((r): Endpoint => {
        const name = `${r.name}${VERSION_SUFFIX[version] ?? ''}`;
        return {
          name,
          group: api.group,
          methods: r.methods,
          route: `/${version}/${r.route}`,
          handler: () => {
            throw commonErrors.unimplemented(api.label, name);
          },
        };
      }),
    ),
  );
}
