/**
 * What the component resiliency scenarios (component-*, inbound-*) share: a Resiliency resource with
 * the policies of Dapr's e2e (tests/config/resiliency.yaml, intervals shortened), and a private
 * redis-server whose `dapr` user can be denied commands (ACL) while INFO commandstats counts every
 * call, rejected ones included: exact attempt counts without a fake Redis.
 */
import Redis from 'ioredis';

/** `targets` is the YAML under spec.targets, indented by four spaces. */
export function resiliencyYaml(targets: string, name = 'component-resiliency'): string {
  return `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: ${name}
spec:
  policies:
    timeouts:
      fast: 300ms
    retries:
      fiveRetries:
        policy: constant
        duration: 10ms
        maxRetries: 5
      slowRetries:
        policy: constant
        duration: 150ms
        maxRetries: 40
    circuitBreakers:
      quickCB:
        maxRequests: 1
        timeout: 1s
        trip: consecutiveFailures > 5
  targets:
${targets}
`;
}

export const DAPR_USER = 'dapr';
export const DAPR_PASSWORD = 'resilient';

/** An admin connection to a private redis-server: creates the `dapr` user and switches its rights. */
export class RedisAcl {
  private constructor(private readonly admin: Redis) {}

  static async connect(port: number): Promise<RedisAcl> {
    const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
    const acl = new RedisAcl(admin);
    await acl.allow();
    return acl;
  }

  /** Every command allowed. */
  async allow(): Promise<void> {
    await this.admin.call('ACL', 'SETUSER', DAPR_USER, 'on', `>${DAPR_PASSWORD}`, '~*', '&*', '+@all');
  }

  /** `commands` refused with NOPERM (the connection stays up). */
  async deny(...commands: string[]): Promise<void> {
    await this.admin.call('ACL', 'SETUSER', DAPR_USER, ...commands.map((c) => `-${c}`));
  }

  /** Calls of `command` so far, rejected ones included (INFO commandstats). */
  async calls(command: string): Promise<{ ok: number; rejected: number }> {
    const info = await this.admin.info('commandstats');
    const line = info.split('\n').find((l) => l.startsWith(`cmdstat_${command.toLowerCase()}:`));
    const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(line ?? '')?.[1] ?? 0);
    return { ok: field('calls'), rejected: field('rejected_calls') };
  }

  close(): void {
    this.admin.disconnect();
  }
}
