import { artifactBlob, artifactText, dataUrl } from '../api.js';
import { formatBytes, formatTime } from '../format.js';
import type { ArtifactInfo } from '../types.js';
import { useAsync } from '../use-async.js';
import { ErrorBox } from './common.js';
import { Markdown, safeUrl } from './markdown.js';

type Cell = string | number | boolean | null;

type Loaded =
  | { kind: 'image'; src: string }
  | { kind: 'markdown'; text: string }
  | { kind: 'table'; table: TableJson }
  | { kind: 'link'; link: LinkJson }
  | { kind: 'progress'; progress: ProgressJson }
  | { kind: 'text'; text: string }
  | { kind: 'binary' };

/** How an artifact is shown, known from its record before its bytes are read. */
function kindOf(info: ArtifactInfo): Loaded['kind'] {
  switch (info.type) {
    case 'image':
    case 'markdown':
    case 'table':
    case 'link':
    case 'progress':
      return info.type;
    default:
      if (info.mediaType.startsWith('image/')) return 'image';
      // HTML is shown as its source: the page never runs a run's markup.
      if (info.mediaType.startsWith('text/') && info.size <= 100_000) return 'text';
      return 'binary';
  }
}

async function load(runId: string, info: ArtifactInfo): Promise<Loaded> {
  const json = async <T,>() => JSON.parse(await artifactText(runId, info.path)) as T;
  const kind = kindOf(info);
  switch (kind) {
    case 'image':
      return { kind, src: await dataUrl(await artifactBlob(runId, info.path)) };
    case 'markdown':
    case 'text':
      return { kind, text: await artifactText(runId, info.path) };
    case 'table':
      return { kind, table: await json<TableJson>() };
    case 'link':
      return { kind, link: await json<LinkJson>() };
    case 'progress':
      return { kind, progress: await json<ProgressJson>() };
    case 'binary':
      return { kind };
  }
}

function Content({ runId, info }: { runId: string; info: ArtifactInfo }) {
  const content = useAsync(() => load(runId, info), [runId, info.path]);
  if (content.error) return <ErrorBox error={content.error} />;
  const c = content.value;
  if (!c) return <p class="muted">Loading…</p>;
  switch (c.kind) {
    case 'image':
      return <img class="artifact-image" src={c.src} alt={info.path} />;
    case 'markdown':
      return <Markdown source={c.text} />;
    case 'table':
      return (
        <div class="scroll">
          <table class="grid">
            <thead>
              <tr>
                {c.table.columns.map((col, i) => (
                  <th key={i}>{col}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.table.rows.slice(0, 1000).map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{cell === null ? '' : String(cell)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'link': {
      const target = safeUrl(c.link.url);
      const text = c.link.text ?? c.link.url;
      return target === undefined ? (
        <span>{text} (unsafe link not followed)</span>
      ) : (
        <a href={target} target="_blank" rel="noopener noreferrer">
          {text}
        </a>
      );
    }
    case 'progress': {
      const p = Math.max(0, Math.min(100, Number(c.progress.progress) || 0));
      return (
        <span>
          <progress max={100} value={p} /> {p}%
        </span>
      );
    }
    case 'text':
      return <pre class="file-text">{c.text}</pre>;
    default:
      return <DownloadButton runId={runId} path={info.path} />;
  }
}

interface TableJson {
  columns: string[];
  rows: Cell[][];
}
interface LinkJson {
  url: string;
  text?: string;
}
interface ProgressJson {
  progress: number;
}

/** Saves an artifact through a download (the bytes are fetched with the page's token). */
export function DownloadButton({ runId, path }: { runId: string; path: string }) {
  const save = async () => {
    const url = URL.createObjectURL(await artifactBlob(runId, path));
    const a = document.createElement('a');
    a.href = url;
    a.download = path.slice(path.lastIndexOf('/') + 1);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <button type="button" onClick={() => void save()}>
      Download
    </button>
  );
}

/**
 * One artifact: its name, kind and version, and its content rendered for its kind. A file with
 * no preview is offered as a download; `download` offers one beside a preview too.
 */
export function ArtifactView({
  runId,
  info,
  download = false,
}: {
  runId: string;
  info: ArtifactInfo;
  download?: boolean;
}) {
  return (
    <div class="artifact" data-type={info.type}>
      <div class="artifact-head">
        <strong>{info.key ?? info.path}</strong>
        <span class="muted">
          {' '}
          {info.type}
          {info.version === null ? '' : ` v${info.version}`} · {formatBytes(info.size)} ·{' '}
          {formatTime(info.createdAt)}
        </span>
        {info.description ? <div class="muted">{info.description}</div> : null}
      </div>
      <Content runId={runId} info={info} />
      {download && kindOf(info) !== 'binary' ? (
        <DownloadButton runId={runId} path={info.path} />
      ) : null}
    </div>
  );
}

/** The latest version of each keyed artifact, and every unkeyed one, models left out. */
export function latestArtifacts(artifacts: readonly ArtifactInfo[]): ArtifactInfo[] {
  const byKey = new Map<string, ArtifactInfo>();
  for (const a of artifacts) {
    if (a.type === 'model') continue;
    const id = a.key ?? `path:${a.path}`;
    const seen = byKey.get(id);
    if (!seen || (a.version ?? 0) > (seen.version ?? 0)) byKey.set(id, a);
  }
  return [...byKey.values()];
}
