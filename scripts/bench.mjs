// Runs every package's benchmarks (packages/*/bench/*.bench.ts, compiled on the fly by tsx);
// each prints one JSON object per line. `npm run bench -- core` limits to one package.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
let failed = false;
for (const pkg of readdirSync('packages')) {
  if (only.length && !only.includes(pkg)) continue;
  const dir = join('packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, file)], {
      stdio: 'inherit',
    });
    if (r.status !== 0) failed = true;
  }
}
process.exit(failed ? 1 : 0);
