/**
 * @module upstream/quickstarts
 * Which original dapr/quickstarts READMEs the upstream harness runs, and what of a checkout each
 * one needs: the README's building-block folder (its `../../components`, `../../resources` and
 * `../../db` siblings included), copied whole so relative paths resolve as in the checkout, plus
 * any other folder its instructions `cd` into. Instructions without STEP annotations (the
 * resiliency tutorials) run through a recipe (recipe.ts).
 */
import { cpSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface UpstreamReadme {
  /** Short name used in the table and by `--only`. */
  id: string;
  /** Path of the README inside a dapr/quickstarts checkout. */
  readme: string;
  /** Folder (inside the checkout) that is copied for it. */
  copyRoot: string;
  /** More folders (inside the checkout) its instructions use, copied the same way. */
  alsoCopy?: readonly string[];
  /**
   * For instructions without STEP annotations: a STEP-annotated recipe (a file of
   * packages/testkit/upstream-recipes) that runs the README's own commands, each line of it a line
   * of the README's code blocks, and is run in the README's place (see recipe.ts).
   */
  recipe?: string;
  /**
   * A Redis container the README stops and starts (`docker stop|start <container>`). It must not
   * be the machine's shared Redis: the sandbox runs a redis-server of its own for it on a free port
   * (private-redis.ts), and the Redis components listed here (paths inside the checkout) have their
   * `redisHost` pointed at it in the copy. The README's own commands stay as they are.
   */
  privateRedis?: { container: string; components: readonly string[] };
}

function buildingBlock(block: string, variant: 'http' | 'sdk'): UpstreamReadme {
  return { id: `${block}/javascript/${variant}`, readme: `${block}/javascript/${variant}/README.md`, copyRoot: block };
}

/** The JavaScript building-block quickstarts (dapr/quickstarts has no JS sdk variant of service invocation) and hello-world. */
export const UPSTREAM_READMES: readonly UpstreamReadme[] = [
  buildingBlock('service_invocation', 'http'),
  buildingBlock('pub_sub', 'http'),
  buildingBlock('pub_sub', 'sdk'),
  buildingBlock('state_management', 'http'),
  buildingBlock('state_management', 'sdk'),
  buildingBlock('bindings', 'http'),
  buildingBlock('bindings', 'sdk'),
  buildingBlock('secrets_management', 'http'),
  buildingBlock('secrets_management', 'sdk'),
  { id: 'tutorials/hello-world', readme: 'tutorials/hello-world/README.md', copyRoot: 'tutorials/hello-world' },
  // The JavaScript part of the service-to-service resiliency tutorial: it runs the service
  // invocation apps with ../service_invocation/resources (the Resiliency resource).
  {
    id: 'resiliency/service-to-service/javascript',
    readme: 'resiliency/service-to-service-resiliency.md',
    copyRoot: 'resiliency',
    alsoCopy: ['service_invocation'],
    recipe: 'resiliency-service-to-service-javascript.md',
  },
  // The JavaScript part of the service-to-component resiliency tutorial: the state management sdk
  // app with ../state_management/resources (Redis state store and Resiliency). It stops and starts
  // `dapr_redis`: the sandbox's own Redis, which that state store is pointed at.
  {
    id: 'resiliency/service-to-component/javascript',
    readme: 'resiliency/service-to-component-resiliency.md',
    copyRoot: 'resiliency',
    alsoCopy: ['state_management'],
    recipe: 'resiliency-service-to-component-javascript.md',
    privateRedis: { container: 'dapr_redis', components: ['state_management/resources/statestore.yaml'] },
  },
];

/** Picks entries by id (exact, or a prefix such as `pub_sub`); every name must match something. */
export function selectReadmes(only: readonly string[], all: readonly UpstreamReadme[] = UPSTREAM_READMES): UpstreamReadme[] {
  if (only.length === 0) return [...all];
  const picked = new Set<UpstreamReadme>();
  for (const name of only) {
    const hits = all.filter((r) => r.id === name || r.id.startsWith(`${name.replace(/\/$/, '')}/`));
    if (hits.length === 0) throw new Error(`--only ${name}: no such README; known: ${all.map((r) => r.id).join(', ')}`);
    for (const h of hits) picked.add(h);
  }
  return all.filter((r) => picked.has(r));
}

/** Folders never copied: installed dependencies, VCS data and runtime leftovers of earlier runs. */
const SKIPPED_NAMES = new Set(['node_modules', '.git', '.dapr']);

/** Copies `copyRoot` (and `alsoCopy`) of the checkout to the same relative places under `dest`. */
export function copyQuickstart(checkout: string, entry: UpstreamReadme, dest: string): void {
  for (const folder of [entry.copyRoot, ...(entry.alsoCopy ?? [])]) {
    cpSync(join(checkout, folder), join(dest, folder), {
      recursive: true,
      filter: (src) => !SKIPPED_NAMES.has(basename(src)),
    });
  }
}
