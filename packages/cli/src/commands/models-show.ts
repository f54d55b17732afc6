import type { Command } from 'commander';
import type {
  LoggedModel,
  ModelVersion,
  RegisteredModel,
  SignatureField,
  Tracker,
} from '@tideflow/core';
import type { CliIo } from '../context.js';
import { withStore } from '../context.js';
import { jsonNumber, printJson, sortedRecord } from '../format/json.js';
import type { JsonValue } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatBytes, formatNumber, formatTime, shortId } from '../format/values.js';
import { outputWidth } from '../format/width.js';
import type { GlobalOptions } from '../program.js';

type Options = GlobalOptions & { json?: boolean };

/** Every version of a registered model, oldest first, with the logged model each points at. */
async function versionsOf(
  tracker: Tracker,
  name: string,
): Promise<{ version: ModelVersion; model: LoggedModel | undefined }[]> {
  const out: { version: ModelVersion; model: LoggedModel | undefined }[] = [];
  for (const version of await tracker.listModelVersions(name)) {
    const logged = await tracker.listLoggedModels(version.runId);
    out.push({ version, model: logged.find((m) => m.name === version.modelName) });
  }
  return out;
}

function versionJson(version: ModelVersion, model: LoggedModel | undefined): JsonValue {
  return {
    version: version.version,
    aliases: version.aliases,
    runId: version.runId,
    modelName: version.modelName,
    source: version.source,
    description: version.description,
    tags: sortedRecord(version.tags),
    createdAt: version.createdAt,
    updatedAt: version.updatedAt,
    flavor: model?.flavor ?? null,
    signature: model?.signature ? (structuredClone(model.signature) as unknown as JsonValue) : null,
    metrics: sortedRecord(model?.metrics ?? {}, jsonNumber),
  };
}

/** The metrics of a version in one cell: `accuracy=0.93 log_loss=0.2`. */
function metricsCell(model: LoggedModel | undefined): string {
  const entries = Object.entries(model?.metrics ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ') || '-';
}

/** Signature fields as MLflow prints them: `x (double), y (double)`; a tensor with its shape. */
function signatureCell(fields: readonly SignatureField[]): string {
  return fields
    .map((f) => {
      const type = f.shape ? `${f.type}[${f.shape.join(', ')}]` : f.type;
      return f.name === undefined ? type : `${f.name} (${type})`;
    })
    .join(', ');
}

/** A `KEY VALUE` table of tags under a title, or nothing when there are none. */
function tagsSection(title: string, tags: Record<string, string>, width: number): string {
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return '';
  const table = renderTable(
    [
      { header: 'KEY', min: 10 },
      { header: 'VALUE', min: 10 },
    ],
    keys.map((k) => [k, tags[k]]),
    width - 2,
  );
  return `\n${title}\n${table.replace(/^(?=.)/gm, '  ')}`;
}

/** `tideflow models show` of a registered model with no versions. */
function emptyModel(m: RegisteredModel, json: boolean, width: number): string {
  if (json)
    return printJson({
      name: m.name,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      aliases: {},
      description: m.description,
      tags: sortedRecord(m.tags),
      latestVersion: null,
    });
  const field = (label: string, value: string) => `  ${label.padEnd(14)} ${value}\n`;
  let out = `Model ${m.name}\n`;
  out += field('Latest', '- (no versions yet)');
  out += field('Updated', formatTime(m.updatedAt));
  if (m.description) out += field('Description', m.description);
  return out + tagsSection('Tags', m.tags, width);
}

/** `tideflow models show NAME` and `tideflow models versions NAME`. */
export function registerModelsShow(models: Command, io: CliIo): void {
  models
    .command('show')
    .description(
      'Show a registered model: aliases, description, tags and its latest version (signature, tags, metrics).',
    )
    .argument('<name>', 'registered model name')
    .option('--json', 'print JSON')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<Options>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const registered = await tracker.getRegisteredModel(name);
        if (registered.latestVersion === 0) {
          // A model created empty (MLflow's create_registered_model): no version to describe yet.
          io.stdout(emptyModel(registered, opts.json === true, outputWidth(io, opts.wide)));
          return;
        }
        const latest = await tracker.getModelVersion(name, 'latest');
        const model = (await tracker.listLoggedModels(latest.runId)).find(
          (m) => m.name === latest.modelName,
        );
        if (opts.json) {
          io.stdout(
            printJson({
              name,
              createdAt: registered.createdAt,
              updatedAt: registered.updatedAt,
              aliases: sortedRecord(registered.aliases),
              description: registered.description,
              tags: sortedRecord(registered.tags),
              latestVersion: versionJson(latest, model),
            }),
          );
          return;
        }
        const width = outputWidth(io, opts.wide);
        const field = (label: string, value: string) => `  ${label.padEnd(14)} ${value}\n`;
        let out = `Model ${name}\n`;
        out += field('Latest', `v${latest.version} (run ${latest.runId}, ${latest.modelName})`);
        out += field(
          'Aliases',
          Object.entries(registered.aliases)
            .map(([a, v]) => `${a}=v${v}`)
            .join(', ') || '-',
        );
        out += field('Updated', formatTime(registered.updatedAt));
        if (registered.description) out += field('Description', registered.description);
        if (latest.description) out += field(`v${latest.version} description`, latest.description);
        // MLflow's model version fields: run_id and source (here as a URI loadModel accepts).
        out += field('Source', `runs:/${latest.runId}/${latest.source}`);
        if (model) {
          out += field('Flavor', model.flavor);
          out += field('Size', formatBytes(model.size));
          const inputs = model.signature?.inputs ?? [];
          if (inputs.length) out += field('Inputs', signatureCell(inputs));
          const outputs = model.signature?.outputs ?? [];
          if (outputs.length) out += field('Outputs', signatureCell(outputs));
          out += tagsSection('Tags', registered.tags, width);
          out += tagsSection(`Tags (v${latest.version})`, latest.tags, width);
          out += `\nMetrics (v${latest.version})\n`;
          const keys = Object.keys(model.metrics).sort();
          out += keys.length
            ? renderTable(
                [{ header: 'KEY', min: 10 }, { header: 'VALUE' }],
                keys.map((k) => [k, formatNumber(model.metrics[k])]),
                width - 2,
              ).replace(/^(?=.)/gm, '  ')
            : '  (none)\n';
        }
        io.stdout(out);
      });
    });

  models
    .command('versions')
    .description('List every version of a registered model with its aliases, run and metrics.')
    .argument('<name>', 'registered model name')
    .option('--json', 'print JSON')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<Options>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const versions = await versionsOf(tracker, name);
        if (opts.json) {
          io.stdout(
            printJson({ name, versions: versions.map((v) => versionJson(v.version, v.model)) }),
          );
          return;
        }
        io.stdout(
          renderTable(
            [
              { header: 'VERSION', align: 'right' },
              { header: 'ALIASES', min: 8 },
              { header: 'RUN', min: 8 },
              { header: 'CREATED' },
              { header: 'METRICS', min: 10 },
            ],
            versions.map(({ version, model }) => [
              `v${version.version}`,
              version.aliases.join(', ') || '-',
              shortId(version.runId),
              formatTime(version.createdAt),
              metricsCell(model),
            ]),
            outputWidth(io, opts.wide),
          ),
        );
      });
    });
}
