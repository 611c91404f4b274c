#!/usr/bin/env node
'use strict';
// minidaprd-create-trust-root: writes ca.crt, issuer.crt and issuer.key into --out unless already there.
require('../dist/security/create-root-main.js').main(process.argv.slice(2));
