// Writes docs/configuration.md from the pipeline's configuration schema (the single source of
// every key, default and allowed value). Run after `npm run build`: `npm run docs:config`.
import { writeFileSync } from 'node:fs';
import { PIPELINE_SCHEMA, describeLeaf, leaves } from '@tideflow/models';
import { SETTINGS } from '@tideflow/core';

const show = (v) => (v === null ? 'null' : JSON.stringify(v));
const rows = leaves(PIPELINE_SCHEMA).map(
  ({ key, spec }) =>
    `| \`${key}\` | \`${show(spec.default)}\` | ${describeLeaf(spec)} | ${spec.doc} |`,
);
const settings = Object.entries(SETTINGS).map(
  ([key, spec]) =>
    `| \`${key}\` | \`${spec.env}\` | \`${show(spec.default)}\` | ${spec.description} |`,
);

writeFileSync(
  'docs/configuration.md',
  `# Configuration

This page is generated from the code (\`npm run docs:config\`): the pipeline's schema is the one
place where keys, defaults and allowed values are defined, and a test keeps this page in sync.

## How to pass parameters

The clustering pipeline's configuration resolves, lowest precedence first:

1. the defaults below, embedded in code;
2. a file: \`tideflow run clustering --config pipeline.yaml\` (YAML or JSON, any subset of the keys);
3. \`--set key.path=value\` overrides, repeatable: \`--set models.knn.nNeighbors=[5,15]\`,
   \`--set strategy=voting\`, \`--set models.svc.enabled=false\` (values are JSON or YAML flow syntax);
4. the command's own flags: \`--dim 2\`, \`--data train.csv --label species --test-data test.csv\`.

In code, \`resolvePipelineConfig({ file, set, overrides })\` does the same. An unknown key or a bad
value fails before anything runs, naming the key and what it accepts. Keys that name object
prototypes (\`__proto__\`, \`constructor\`, \`prototype\`) are refused wherever they appear, in
files, \`--set\` and task overrides:

\`\`\`text
error: Invalid configuration at "strategy": expected one of "best", "voting", got "median".
\`\`\`

\`\`\`yaml
# pipeline.yaml
data: { dim: 2, n: 5000 }
strategy: voting
models:
  knn: { nNeighbors: [5, 15, 31], weights: [distance] }
  svc: { enabled: false }
conformal: { method: aps, alpha: 0.05 }
tasks:
  ClusteringPipeline.searchFamily: { retries: 1, timeoutMs: 600000, cacheExpiration: 7d }
\`\`\`

## Overriding task options by task name

\`tasks\` maps a task's registered name to \`retries\`, \`retryDelayMs\`, \`timeoutMs\` and
\`cacheExpiration\` (ms or \`'1h'\`, \`'7d'\`); the pipeline applies them with \`.with(...)\` when it calls
the task. The tasks are \`ClusteringPipeline.generateData\`, \`loadCsv\`, \`split\`, \`compareCoordinates\`,
\`searchFamily\`, \`finalizeModel\`, \`evaluate\`, \`explain\`, \`conformal\`, \`embed\` and \`renderReport\`
(each prefixed with \`ClusteringPipeline.\`).

## Every key

| key | default | accepts | meaning |
|---|---|---|---|
${rows.join('\n')}

## Settings (environment variables and profiles)

Settings of tideflow itself come from the active profile (\`tideflow config set KEY=VALUE\`), the
environment, or \`configure({...})\` in code (see [concepts](concepts.md#configuration)):

| setting | environment | default | meaning |
|---|---|---|---|
${settings.join('\n')}

The CLI also reads \`--tracking-uri\` (default \`.tideflow/tideflow.db\`) and \`--cache\` (default
\`.tideflow/cache.sqlite\`). \`memory:\` is the library's default; the CLI's default is
\`sqlite:///<working directory>/.tideflow/tideflow.db\`, and \`tideflow config view\` shows that
URI (source \`default\`) rather than \`memory:\`.
`,
);
console.log('wrote docs/configuration.md');
