#!/usr/bin/env node
// Build step: copies the .proto files the gRPC API loads (dapr/proto/{runtime,common}/v1 and
// google/protobuf) from the pinned @dapr/dapr devDependency into dist/proto, so an installed
// @minidapr/runtime serves gRPC without the SDK. They are Dapr's API definitions (Apache-2.0);
// the copy is a build output, not part of the repository.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgJson = require.resolve('@dapr/dapr/package.json');
const from = path.join(path.dirname(pkgJson), 'proto');
const to = path.resolve(here, '..', 'dist', 'proto');
const dirs = ['dapr/proto/runtime/v1', 'dapr/proto/common/v1', 'google/protobuf'];

fs.rmSync(to, { recursive: true, force: true });
let count = 0;
for (const dir of dirs) {
  fs.mkdirSync(path.join(to, dir), { recursive: true });
  for (const name of fs.readdirSync(path.join(from, dir))) {
    if (!name.endsWith('.proto')) continue;
    fs.copyFileSync(path.join(from, dir, name), path.join(to, dir, name));
    count++;
  }
}
const { version, license } = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
fs.writeFileSync(path.join(to, 'SOURCE.md'), `The .proto files below are Dapr's API definitions as published in @dapr/dapr ${version} (license: ${license}), copied at build time.\n`);
console.log(`copied ${count} .proto files from @dapr/dapr ${version} to dist/proto`);
