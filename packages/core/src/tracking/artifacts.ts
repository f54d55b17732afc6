import { TrackingInputError } from './errors.js';
import type {
  ArtifactInfo,
  ArtifactType,
  TypedArtifactContent,
  TypedArtifactInput,
} from './tracker.js';
import { validateArtifactPath, validateSegmentName } from './record-checks.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Media types by file extension, for plain file artifacts. */
const MEDIA_TYPES: Record<string, string> = {
  json: 'application/json',
  md: 'text/markdown',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  yaml: 'application/yaml',
  yml: 'application/yaml',
};

/** The media type of a file artifact, guessed from its extension. */
export function mediaTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && MEDIA_TYPES[path.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

/** Bytes of string or binary artifact data. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TrackingInputError('Artifact data must be a string or a Uint8Array.');
}

/** A typed artifact turned into a file: where it goes, its bytes and its record. */
export interface EncodedArtifact {
  /** Its record (without `createdAt`, which the store sets). */
  info: Omit<ArtifactInfo, 'createdAt'>;
  /** The file content. */
  bytes: Uint8Array;
}

/** A file artifact prepared for storing. */
export function encodeFileArtifact(path: string, data: Uint8Array | string): EncodedArtifact {
  validateArtifactPath(path);
  const bytes = toBytes(data);
  return {
    info: {
      path,
      type: 'file',
      key: null,
      version: null,
      size: bytes.length,
      mediaType: mediaTypeOf(path),
      description: null,
    },
    bytes,
  };
}

function encodeContent(a: TypedArtifactContent): {
  bytes: Uint8Array;
  ext: string;
  mediaType: string;
} {
  switch (a.type) {
    case 'markdown':
      if (typeof a.markdown !== 'string')
        throw new TrackingInputError('A markdown artifact needs a `markdown` string.');
      return { bytes: encoder.encode(a.markdown), ext: 'md', mediaType: 'text/markdown' };
    case 'table': {
      if (!Array.isArray(a.columns) || !a.columns.every((c) => typeof c === 'string')) {
        throw new TrackingInputError('A table artifact needs `columns`, an array of strings.');
      }
      if (!Array.isArray(a.rows))
        throw new TrackingInputError('A table artifact needs `rows`, an array of arrays.');
      a.rows.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== a.columns.length) {
          throw new TrackingInputError(
            `Row ${i} of the table artifact has ${Array.isArray(row) ? row.length : 'no'} cells; expected ${a.columns.length}.`,
          );
        }
        for (const cell of row) {
          if (cell !== null && !['string', 'number', 'boolean'].includes(typeof cell)) {
            throw new TrackingInputError(
              `Row ${i} of the table artifact has a ${typeof cell} cell; use string, number, boolean or null.`,
            );
          }
          if (typeof cell === 'number' && !Number.isFinite(cell)) {
            throw new TrackingInputError(
              `Row ${i} of the table artifact has a non-finite number; JSON cannot hold it.`,
            );
          }
        }
      });
      return {
        bytes: encoder.encode(JSON.stringify({ columns: a.columns, rows: a.rows })),
        ext: 'json',
        mediaType: 'application/json',
      };
    }
    case 'image':
      if (a.format === 'svg') {
        if (typeof a.data !== 'string' || !a.data.includes('<svg')) {
          throw new TrackingInputError(
            'An SVG image artifact needs `data`, a string of SVG markup.',
          );
        }
        return { bytes: encoder.encode(a.data), ext: 'svg', mediaType: 'image/svg+xml' };
      }
      if (a.format === 'png') {
        if (!(a.data instanceof Uint8Array) || !PNG_SIGNATURE.every((b, i) => a.data[i] === b)) {
          throw new TrackingInputError(
            'A PNG image artifact needs `data`, the PNG file bytes (they start with the PNG signature).',
          );
        }
        return { bytes: a.data, ext: 'png', mediaType: 'image/png' };
      }
      throw new TrackingInputError(
        `Unknown image format ${JSON.stringify((a as { format: unknown }).format)}; use "svg" or "png".`,
      );
    case 'link':
      if (typeof a.url !== 'string' || a.url === '')
        throw new TrackingInputError('A link artifact needs a `url` string.');
      return {
        bytes: encoder.encode(
          JSON.stringify(a.text === undefined ? { url: a.url } : { url: a.url, text: a.text }),
        ),
        ext: 'json',
        mediaType: 'application/json',
      };
    case 'progress':
      if (typeof a.progress !== 'number' || !(a.progress >= 0 && a.progress <= 100)) {
        throw new TrackingInputError(
          `A progress artifact needs \`progress\` between 0 and 100, got ${String(a.progress)}.`,
        );
      }
      return {
        bytes: encoder.encode(JSON.stringify({ progress: a.progress })),
        ext: 'json',
        mediaType: 'application/json',
      };
    default:
      throw new TrackingInputError(
        `Unknown artifact type ${JSON.stringify((a as { type: unknown }).type)}; use markdown, table, image, link or progress.`,
      );
  }
}

/**
 * A typed artifact prepared for storing. Keyed ones go to `<type>/<key>/v<version>.<ext>`,
 * unkeyed ones to `<type>/<uniqueId>.<ext>`.
 */
export function encodeTypedArtifact(
  input: TypedArtifactInput,
  version: number | null,
  uniqueId: string,
): EncodedArtifact {
  if (input === null || typeof input !== 'object')
    throw new TrackingInputError('A typed artifact must be an object.');
  if (input.key !== undefined) validateSegmentName('artifact key', input.key);
  if (input.description !== undefined && typeof input.description !== 'string') {
    throw new TrackingInputError('An artifact description must be a string.');
  }
  const { bytes, ext, mediaType } = encodeContent(input);
  const key = input.key ?? null;
  const path =
    key === null ? `${input.type}/${uniqueId}.${ext}` : `${input.type}/${key}/v${version}.${ext}`;
  return {
    info: {
      path,
      type: input.type,
      key,
      version: key === null ? null : version,
      size: bytes.length,
      mediaType,
      description: input.description ?? null,
    },
    bytes,
  };
}

/** Rebuilds a typed artifact's content from its stored bytes. */
export function decodeTypedArtifact(
  type: ArtifactType,
  mediaType: string,
  bytes: Uint8Array,
): TypedArtifactContent {
  switch (type) {
    case 'markdown':
      return { type, markdown: decoder.decode(bytes) };
    case 'table': {
      const t = JSON.parse(decoder.decode(bytes)) as { columns: string[]; rows: [] };
      return { type, columns: t.columns, rows: t.rows };
    }
    case 'image':
      return mediaType === 'image/png'
        ? { type, format: 'png', data: bytes }
        : { type, format: 'svg', data: decoder.decode(bytes) };
    case 'link':
      return { type, ...(JSON.parse(decoder.decode(bytes)) as { url: string; text?: string }) };
    case 'progress':
      return { type, ...(JSON.parse(decoder.decode(bytes)) as { progress: number }) };
    default:
      throw new TrackingInputError(`An artifact of type "${type}" is not a typed artifact.`);
  }
}

/**
 * Whether a new artifact may take `path`: only a plain file may replace a plain file, so that a
 * typed artifact or model is never silently overwritten.
 */
export function assertReplaceable(
  existing: ArtifactType | undefined,
  incoming: ArtifactType,
  path: string,
): void {
  if (existing !== undefined && (existing !== 'file' || incoming !== 'file')) {
    throw new TrackingInputError(
      `The artifact path "${path}" already holds a ${existing} artifact; log to another path.`,
    );
  }
}
