#!/usr/bin/env node
// Installed entry point: runs the compiled CLI when built, else the TypeScript source via tsx.
const path = require('node:path');
const fs = require('node:fs');
const compiled = path.join(__dirname, '..', 'dist', 'src', 'client', 'main.js');
if (!fs.existsSync(compiled)) require('tsx/cjs');
const { run } = require(fs.existsSync(compiled) ? compiled : path.join(__dirname, '..', 'src', 'client', 'main.ts'));
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
