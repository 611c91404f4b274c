/** @module @minidapr/testkit Shared helpers for hermetic tests: ports, temp dirs, processes, sidecars. */
export { freePort, isListening, canBind } from './ports';
export { waitFor } from './wait';
export { tempDir, componentYaml, type TempDir } from './tmp';
export { spawnProcess, stopAll, killGroup, type Spawned } from './processes';
export { startSidecar, minidaprdBin, type Sidecar, type SidecarOptions } from './sidecar';
export { startApp, type TestApp, type ReceivedRequest, type Reply } from './apps';
export { serviceAvailable, requireService } from './services';
export { parseReadme, parseReadmeFile, runReadme } from './readme';
export { runStateConformance, STATE_CONFORMANCE_FEATURES, type StateConformanceOptions } from './conformance/state.case';
export { probeStateStoreSync, type ProbeOptions, type ProbeResult } from './conformance/probe';
