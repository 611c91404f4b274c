/**
 * @module components/secretstores/local-env
 * secretstores.local.env: secrets are the sidecar's environment variables (development only).
 * GET of `name` reads `<prefix><name>` and answers `{name: value}`, with "" when it is unset.
 * `APP_API_TOKEN` and every `DAPR_*` variable (case-insensitive) are never exposed.
 */
import type { FactoryContext, Logger, MetadataMap } from '../../types';
import type { Secret, SecretStore } from '../contract';
import { parseLocalEnvMetadata } from './metadata';

export function isEnvSecretAllowed(name: string): boolean {
  const upper = name.toUpperCase();
  return upper !== 'APP_API_TOKEN' && !upper.startsWith('DAPR_');
}

export class LocalEnvSecretStore implements SecretStore {
  private prefix = '';

  constructor(
    private readonly logger?: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async init(metadata: MetadataMap): Promise<void> {
    this.prefix = parseLocalEnvMetadata(metadata).prefix;
  }

  async close(): Promise<void> {}

  features(): readonly string[] {
    return [];
  }

  async getSecret(name: string): Promise<Secret> {
    const variable = this.prefix + name;
    let value = '';
    if (isEnvSecretAllowed(variable)) value = this.env[variable] ?? '';
    else this.logger?.warn(`Access to env var ${name} is forbidden`);
    return { [name]: value };
  }

  async bulkGetSecret(): Promise<Record<string, Secret>> {
    const out: Record<string, Secret> = {};
    for (const [variable, value] of Object.entries(this.env)) {
      if (value === undefined || !isEnvSecretAllowed(variable)) continue;
      if (this.prefix && (variable.length <= this.prefix.length || !variable.startsWith(this.prefix))) continue;
      const name = variable.slice(this.prefix.length);
      out[name] = { [name]: value };
    }
    return out;
  }
}

export function createLocalEnvSecretStore(ctx: FactoryContext): LocalEnvSecretStore {
  return new LocalEnvSecretStore(ctx.logger);
}
