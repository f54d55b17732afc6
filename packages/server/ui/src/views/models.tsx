import { artifactText, getJson } from '../api.js';
import { ErrorBox, Section } from '../components/common.js';
import { formatTime } from '../format.js';
import { href } from '../router.js';
import type { ModelVersion, RegisteredModel } from '../types.js';
import { useAsync } from '../use-async.js';

interface SignatureField {
  name?: string;
  type: string;
  shape?: number[];
}
interface Signature {
  inputs: SignatureField[];
  outputs: SignatureField[];
}

/** The model registry: every registered model with its latest version and aliases. */
export function ModelsView() {
  const models = useAsync(
    () =>
      getJson<{ registered_models?: RegisteredModel[] }>(
        '/api/2.0/mlflow/registered-models/search',
        { max_results: 1000 },
      ),
    [],
  );
  const list = models.value?.registered_models ?? [];
  return (
    <div>
      <h1>Models</h1>
      <ErrorBox error={models.error} />
      <table class="grid models">
        <thead>
          <tr>
            <th>Name</th>
            <th>Latest version</th>
            <th>Aliases</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {list.map((m) => (
            <tr key={m.name}>
              <td>
                <a href={href('models', m.name)}>{m.name}</a>
              </td>
              <td>{m.latest_versions?.[0]?.version ?? '—'}</td>
              <td>{(m.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`).join(', ')}</td>
              <td>{formatTime(m.last_updated_timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {models.value && list.length === 0 ? <p class="muted">No registered models.</p> : null}
    </div>
  );
}

function Fields({ fields }: { fields: readonly SignatureField[] }) {
  return (
    <ul class="fields">
      {fields.map((f, i) => (
        <li key={i}>
          <code>{f.name ?? `#${i}`}</code>: {f.type}
          {f.shape ? ` [${f.shape.join(', ')}]` : ''}
        </li>
      ))}
    </ul>
  );
}

function VersionSignature({ version }: { version: ModelVersion }) {
  const dir = version.source.includes('/')
    ? version.source.slice(0, version.source.lastIndexOf('/'))
    : version.source;
  const meta = useAsync(
    async () =>
      JSON.parse(await artifactText(version.run_id, `${dir}/MLmodel.json`)) as {
        flavor?: string;
        signature?: Signature | null;
      },
    [version.run_id, dir],
  );
  if (meta.error) return <span class="muted">no signature</span>;
  const sig = meta.value?.signature;
  if (!meta.value) return <span class="muted">…</span>;
  if (!sig) return <span class="muted">no signature</span>;
  return (
    <div class="signature">
      <div>
        inputs <Fields fields={sig.inputs} />
      </div>
      <div>
        outputs <Fields fields={sig.outputs} />
      </div>
    </div>
  );
}

/** One registered model: its versions, aliases, signatures and the run each came from. */
export function ModelView({ name }: { name: string }) {
  const model = useAsync(async () => {
    const { registered_model: m } = await getJson<{ registered_model: RegisteredModel }>(
      '/api/2.0/mlflow/registered-models/get',
      { name },
    );
    // One search, newest first: deleted versions leave gaps in the numbers.
    const { model_versions: versions = [] } = await getJson<{ model_versions?: ModelVersion[] }>(
      '/api/2.0/mlflow/model-versions/search',
      { filter: `name = '${name.replaceAll("'", "''")}'`, max_results: 200 },
    );
    return { model: m, versions };
  }, [name]);
  if (!model.value)
    return model.error ? <ErrorBox error={model.error} /> : <p class="muted">Loading…</p>;
  const { model: m, versions } = model.value;
  return (
    <div>
      <p class="crumbs">
        <a href={href('models')}>Models</a>
      </p>
      <h1>{m.name}</h1>
      {m.description ? <p>{m.description}</p> : null}
      <p class="summary">
        Aliases:{' '}
        {(m.aliases ?? []).length === 0
          ? 'none'
          : (m.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`).join(', ')}
      </p>
      <Section title="Versions">
        <table class="grid versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Aliases</th>
              <th>Registered</th>
              <th>Source run</th>
              <th>Signature</th>
              <th>Tags</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>{(v.aliases ?? []).map((a) => `@${a}`).join(', ')}</td>
                <td>{formatTime(v.creation_timestamp)}</td>
                <td>
                  <a href={href('runs', v.run_id)}>{v.run_id.slice(0, 8)}</a>{' '}
                  <span class="muted">{v.source}</span>
                </td>
                <td>
                  <VersionSignature version={v} />
                </td>
                <td>{(v.tags ?? []).map((t) => `${t.key}=${t.value}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
