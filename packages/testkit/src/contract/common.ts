/// <reference types="jest" />
/**
 * @module contract/common
 * What the in-process contract suites share: registering a case gated by the features the component
 * claims (an unclaimed feature's case is skipped with the reason in its title), the service gate,
 * and the assertions on the errors components throw (matched by `name`, as testkit cannot import
 * the runtime's classes).
 */
import { requireService } from '../services';
import type { ContractCommonOptions, ContractInitContext } from './types';

export type CaseFn = () => Promise<void>;

export interface CaseRegistrar {
  /**
   * Registers `title`; it runs only when every feature in `needs` is claimed, else it is skipped as
   * `title (not claimed: X)`. `skipReason` skips it for another reason (a missing option).
   */
  add(title: string, needs: readonly string[], fn: CaseFn, skipReason?: string): void;
  /** True once the service gate passed (or there is none). */
  readonly up: boolean;
}

/** Creates the registrar and, when the component needs a service, the beforeAll that checks it. */
export function createRegistrar(o: ContractCommonOptions, claimed: readonly string[], timeoutMs: number): CaseRegistrar {
  let serviceUp = o.service === undefined;
  if (o.service) {
    const s = o.service;
    beforeAll(async () => {
      serviceUp = await requireService(s.name, s.host, s.port);
    });
  }
  const up = (): boolean => serviceUp && (o.available?.() ?? true);
  return {
    get up() {
      return up();
    },
    add(title, needs, fn, skipReason) {
      const missing = needs.filter((f) => !claimed.includes(f));
      const known = o.knownFailures?.[title];
      const reason = known ? `known failure: ${known}` : missing.length > 0 ? `not claimed: ${missing.join(', ')}` : skipReason;
      if (reason) {
        it.skip(`${title} (${reason})`, () => undefined);
        return;
      }
      it(
        title,
        async () => {
          if (!up()) return; // the SKIPPED line was printed by the service gate or the caller's fixture
          await fn();
        },
        timeoutMs,
      );
    },
  };
}

export function metadataOf(o: ContractCommonOptions): Record<string, string> {
  return typeof o.metadata === 'function' ? o.metadata() : { ...(o.metadata ?? {}) };
}

export function contextOf(o: ContractCommonOptions): ContractInitContext {
  return o.context?.() ?? { appId: 'contract', cwd: process.cwd() };
}

/** Asserts `p` rejects with an error whose `name` is `name` (ETagMismatchError, ETagInvalidError…). */
export async function expectRejectsNamed(p: Promise<unknown>, name: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error(`expected a rejection with ${name}, but the call succeeded`);
  expect((err as Error).name).toBe(name);
}

/** JSON-encodes a value as the API layer hands it to a store. */
export const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/** A short random id for keys and topics, so runs never see each other's data in shared backends. */
export function runId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The features a component declares, read from a fresh uninitialised instance (factories are cheap). */
export function declaredFeatures(make: () => { features(): readonly string[] }): string[] {
  return [...make().features()];
}
