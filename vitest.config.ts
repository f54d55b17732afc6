import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string, entry = 'index') =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  // Test files sit outside each package's tsconfig `include`, so say explicitly what tsconfig.base.json says:
  // legacy decorators with metadata (TC39 decorators are tested by compiling a fixture with tsc).
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    // Subpaths first: an alias matches a prefix, so `@tideflow/core` alone would swallow them.
    alias: {
      '@tideflow/core/store': pkg('core', 'store'),
      '@tideflow/core/testing': pkg('core', 'testing'),
      '@tideflow/core': pkg('core'),
      '@tideflow/tracker-sqlite': pkg('tracker-sqlite'),
      '@tideflow/models/serving': pkg('models', 'serving'),
      '@tideflow/models': pkg('models'),
      '@tideflow/serving': pkg('serving'),
      '@tideflow/runner-bullmq': pkg('runner-bullmq'),
      '@tideflow/cli': pkg('cli'),
      '@tideflow/notebooks': pkg('notebooks'),
      '@tideflow/server/client': pkg('server', 'client'),
      '@tideflow/server': pkg('server'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: {
        'packages/core/src/**': { lines: 90 },
      },
    },
  },
});
