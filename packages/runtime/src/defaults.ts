/**
 * @module defaults
 * Every default the runtime uses, named once (daprd's cmd/daprd/options/options.go values).
 */
export const DEFAULT_DAPR_HTTP_PORT = 3500;
export const DEFAULT_DAPR_GRPC_PORT = 50001;
export const DEFAULT_DAPR_INTERNAL_PORT = 50002;
export const DEFAULT_METRICS_PORT = 9090;
export const DEFAULT_APP_PROTOCOL = 'http';
export const DEFAULT_APP_CHANNEL_ADDRESS = '127.0.0.1';
export const DEFAULT_LISTEN_ADDRESSES = ['127.0.0.1'] as const;
export const DEFAULT_MAX_BODY_SIZE = 4 * 1024 * 1024; // 4Mi
export const DEFAULT_READ_BUFFER_SIZE = 4 * 1024; // 4Ki
export const DEFAULT_LOG_LEVEL = 'info';
export const DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 5;
export const DEFAULT_APP_HEALTH_CHECK_PATH = '/healthz';
export const DEFAULT_APP_HEALTH_PROBE_INTERVAL_S = 5;
export const DEFAULT_APP_HEALTH_PROBE_TIMEOUT_MS = 500;
export const DEFAULT_APP_HEALTH_THRESHOLD = 3;
/** daprd's --app-binding-options-timeout default: how long the OPTIONS probe of an input binding may take. */
export const DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS = 3000;
/** How often the app port is dialled while waiting for the app (daprd: 100 ms). */
export const APP_PORT_POLL_MS = 100;
export const HOME_DIR_NAME = '.minidapr';
/**
 * Node flags the sidecar runs with: a 2 MiB young generation keeps RSS under load near 67 MB instead
 * of ~92 MB, at no measurable CPU cost (BENCHMARKS.md). The bin shebang and every launcher use them.
 */
export const SIDECAR_NODE_ARGS = ['--max-semi-space-size=2'] as const;
