#!/usr/bin/env node
// The committed entry point of `tideflow` (npm links it at install time, before anything is built):
// it loads the compiled CLI from dist/, or says how to build it when dist/ is missing.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write(
    'error: the tideflow CLI is not built (packages/cli/dist/bin.js is missing); ' +
      'run `npm run build` in the workspace first.\n',
  );
  process.exitCode = 1;
}
