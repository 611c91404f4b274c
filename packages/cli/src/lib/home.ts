/** @module lib/home Where minidapr keeps its files: `$MINIDAPR_HOME`, or `~/.minidapr`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { HOME_DIR_NAME, HOME_ENV } from '../defaults';

export function resolveHome(env: NodeJS.ProcessEnv): string {
  const fromEnv = env[HOME_ENV];
  return fromEnv && fromEnv.trim() ? resolve(fromEnv) : join(homedir(), HOME_DIR_NAME);
}

export function homeComponentsDir(home: string): string {
  return join(home, 'components');
}

export function homeConfigFile(home: string): string {
  return join(home, 'config.yaml');
}
