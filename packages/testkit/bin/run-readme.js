#!/usr/bin/env node
'use strict';
// Thin launcher so the bin link exists before the first build; the real entry is compiled to dist/.
require('../dist/readme/cli.js').main(process.argv.slice(2));
