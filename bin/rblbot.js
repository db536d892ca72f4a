#!/usr/bin/env node
// The installed `rblbot` command: the compiled CLI, built by `npm run build` (run by the
// prepare script on `npm ci` / `npm install`).
import '../dist/cli/cli.js';
