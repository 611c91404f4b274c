#!/usr/bin/env node
'use strict';
// Thin launcher; the real entry is compiled to dist/ (see src/upstream/cli.ts).
require('../dist/upstream/cli.js').main(process.argv.slice(2));
