import { InvalidOptionError } from '../errors.js';
import { MemoryTracker } from './memory-tracker.js';
import type { Tracker } from './tracker-bridge.js';

/** Options of {@link openTracker}, handed on to the scheme's factory. */
export interface OpenTrackerOptions {
  /**
   * The directory relative locations (`sqlite:///relative.db`) resolve against.
   *
   * @default process.cwd()
   */
  cwd?: string;
  /**
   * Whether a store that does not exist yet is created. With `false` (read-only tools) a missing
   * store rejects with `TrackingStoreNotFoundError` and nothing is written.
   *
   * @default true
   */
  create?: boolean;
}

/** Makes a tracker for a tracking URI of one scheme. */
export type TrackerUriFactory = (
  uri: string,
  options: OpenTrackerOptions,
) => Tracker | Promise<Tracker>;

const factories = new Map<string, TrackerUriFactory>([['memory', () => new MemoryTracker()]]);

/** Package entries that register a scheme when imported, tried when a URI of that scheme is opened first. */
const SCHEME_PACKAGES: Readonly<Record<string, string>> = {
  sqlite: '@tideflow/tracker-sqlite',
  http: '@tideflow/server/client',
  https: '@tideflow/server/client',
};

/** The scheme of a URI, lower-cased, or `undefined` if it has none. */
export function uriScheme(uri: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
}

/** The schemes that {@link openTracker} can open now or by importing their package, sorted. */
export function trackerSchemes(): string[] {
  return [...new Set([...factories.keys(), ...Object.keys(SCHEME_PACKAGES)])].sort();
}

/**
 * Registers how to open tracking URIs of `scheme`: the one step that plugs a new backend package
 * into `configure({ trackingUri })`, `TIDEFLOW_TRACKING_URI` and the CLI (`sqlite` is registered
 * by `@tideflow/tracker-sqlite` when it is imported).
 *
 * @example
 * ```ts
 * registerTrackerScheme('acme', (uri) => new Tracker(new AcmeStore(uri)));
 * ```
 */
export function registerTrackerScheme(scheme: string, factory: TrackerUriFactory): void {
  if (!/^[a-z][a-z0-9+.-]*$/i.test(scheme))
    throw new InvalidOptionError(
      `Invalid tracking URI scheme ${JSON.stringify(scheme)}: use a letter, then letters, digits, "+", "-" or ".".`,
    );
  factories.set(scheme.toLowerCase(), factory);
}

/**
 * Opens the tracker of a URI through the factory registered for its scheme: `memory:`,
 * `sqlite:///path/to/tideflow.db`, or any scheme a backend package registered (the package of
 * a known scheme is imported on first use when it is installed).
 */
export async function openTracker(uri: string, options: OpenTrackerOptions = {}): Promise<Tracker> {
  const scheme = uriScheme(uri);
  if (!scheme)
    throw new InvalidOptionError(
      `Tracking URI "${uri}" has no scheme; use one of ${trackerSchemes()
        .map((s) => `${s}:`)
        .join(', ')}.`,
    );
  if (!factories.has(scheme) && SCHEME_PACKAGES[scheme]) {
    const entry = SCHEME_PACKAGES[scheme];
    // The package of an entry such as `@tideflow/server/client` is its first two segments.
    const name = entry.split('/').slice(0, 2).join('/');
    try {
      await import(entry);
    } catch (error) {
      throw new InvalidOptionError(
        `Tracking URI "${uri}" needs the package ${name}: npm install ${name} (${(error as Error).message}).`,
      );
    }
  }
  const factory = factories.get(scheme);
  if (!factory)
    throw new InvalidOptionError(
      `No tracker is registered for "${scheme}:" URIs (known: ${trackerSchemes().join(', ')}); import the package that registers it.`,
    );
  return factory(uri, options);
}
