#!/usr/bin/env node
// Installed entry point: runs the compiled CLI when built, else the TypeScript source via tsx
// (a checkout of the repository, where tsx is installed).
const path = require('node:path');
const fs = require('node:fs');
const compiled = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(compiled)) require('tsx/cjs');
const { runSimulatorCli } = require(fs.existsSync(compiled) ? compiled : path.join(__dirname, '..', 'src', 'cli.ts'));
runSimulatorCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
