#!/usr/bin/env node
// Runs a compose step without containers, in network namespaces (needs root and iproute2), and
// streams its logs until Ctrl-C; then removes everything it created. Build first (npm run build).
//   node packages/deploy/scripts/netns-up.mjs <step> [--profile <name>]...
//   e.g. sudo node packages/deploy/scripts/netns-up.mjs service-invocation --profile http
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { netns, repoRoot } = require('../dist/index.js');

const [step, ...rest] = process.argv.slice(2);
const profiles = rest.flatMap((a, i) => (rest[i - 1] === '--profile' ? [a] : []));
if (!step || step.startsWith('-')) {
  console.error('usage: netns-up.mjs <step> [--profile <name>]...   (steps: the folders of compose/)');
  process.exit(2);
}
const support = netns.netnsSupport();
if (!support.ok) {
  console.error(`cannot run: ${support.reason}`);
  process.exit(1);
}
const root = repoRoot();
const topo = await netns.startTopology({ composeFile: join(root, 'compose', step, 'compose.yaml'), repoRoot: root, profiles }).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
for (const g of topo.network.groups) console.log(`# ${g.name}: ${g.ip} in namespace ${g.ns}`);
for (const e of topo.plan.externals) console.log(`# ${e.name}: ${topo.network.subnet.bridgeIp}:${e.port} → 127.0.0.1:${e.port}`);
// Each service's new complete lines, prefixed like `docker compose up`.
const seen = new Map();
const timer = setInterval(() => {
  for (const { name } of topo.plan.services) {
    const out = topo.output(name);
    const from = seen.get(name) ?? 0;
    const end = out.lastIndexOf('\n') + 1;
    if (end <= from) continue;
    for (const line of out.slice(from, end - 1).split('\n')) console.log(`${name} | ${line}`);
    seen.set(name, end);
  }
}, 250);
const stop = async () => {
  clearInterval(timer);
  const problems = await topo.stop();
  for (const p of problems) console.error(`teardown: ${p}`);
  process.exit(problems.length ? 1 : 0);
};
process.once('SIGINT', stop).once('SIGTERM', stop);
