/**
 * @module lib/instances
 * Running sidecars as the CLI sees them. The mapping of the runtime's instance registry plus the
 * CLI's extended metadata lives in @minidapr/runtime (shared with the dashboard); re-exported here so
 * commands keep one import.
 */
export { runningApps, toRunningApp, type RunningApp } from '@minidapr/runtime';
