#!/usr/bin/env node
'use strict';
// The `docker` that run-upstream-quickstarts puts on PATH (see src/upstream/docker-shim.ts).
require('../dist/upstream/docker-shim.js').main(process.argv.slice(2));
