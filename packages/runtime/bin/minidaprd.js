#!/usr/bin/env -S node --max-semi-space-size=2
'use strict';
// Thin launcher so the bin link exists before the first build; the real entry is compiled to dist/.
require('../dist/bin.js').main(process.argv.slice(2));
