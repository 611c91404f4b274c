#!/usr/bin/env node
'use strict';
// Thin launcher; the real entry is compiled to dist/ (see src/suite/node-versions.ts).
require('../dist/suite/node-versions.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
