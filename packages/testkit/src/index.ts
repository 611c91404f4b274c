/** @module @minidapr/testkit Shared helpers for hermetic tests: ports, temp dirs, processes, sidecars. */
export { freePort, isListening, canBind } from './ports';
export { waitFor } from './wait';
export { tempDir, componentYaml, type TempDir } from './tmp';
export { spawnProcess, stopAll, killGroup, type Spawned } from './processes';
export { startSidecar, minidaprdBin, type Sidecar, type SidecarOptions } from './sidecar';
export { startApp, type TestApp, type ReceivedRequest, type Reply } from './apps';
export { serviceAvailable, requireService } from './services';
export { requireServiceSync } from './services-sync';
export { parseReadme, parseReadmeFile, runReadme } from './readme';
export { runStateConformance, STATE_CONFORMANCE_FEATURES, type StateConformanceOptions } from './conformance/state.case';
export { probeStateStoreSync, type ProbeOptions, type ProbeResult } from './conformance/probe';
export { runBindingsConformance, type BindingsConformanceOptions } from './conformance/bindings.case';
export { DEFAULT_OUTPUT_DATA, goJson, invokeBinding, listedOperations, responseMetadata } from './conformance/bindings-helpers';
export { runPubSubConformance, type PubSubConformanceOptions } from './conformance/pubsub.case';
export { SubscriberApp, messageKey, SUCCESS_BEHAVIOURS, type Behaviour, type Delivery, type RouteHandler } from './conformance/pubsub-app';
export { PubSubTopology, publish, publishAll, type PubSubTopologyOptions, type PublishOptions, type Subscriber } from './conformance/pubsub-topology';
export { runCrashScenario, type CrashScenarioOptions, type CrashScenarioResult } from './conformance/pubsub-crash';
