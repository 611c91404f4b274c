#!/usr/bin/env node
'use strict';
// Thin launcher; the real entry is compiled to dist/ (see src/suite/cli.ts).
require('../dist/suite/cli.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
