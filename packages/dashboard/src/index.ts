/**
 * @module index
 * minidapr's dashboard package: the embedded trace collector and the dashboard server.
 */
export const DASHBOARD_PACKAGE = '@minidapr/dashboard';
// The embedded Zipkin-compatible collector (src/collector).
export * from './collector/index';
// The dashboard server (src/server).
export * from './server';
