/**
 * @module index
 * minidapr's dashboard package: the embedded trace collector and the dashboard server.
 */
export const DASHBOARD_PACKAGE = '@minidapr/dashboard';
export * from './collector/index';
