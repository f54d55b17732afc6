import { InvalidOptionError } from '../errors.js';
import { MemoryTracker } from './memory-tracker.js';
import type { Tracker } from './tracker.js';

/** Makes a tracker for a tracking URI of one scheme. */
export type TrackerUriFactory = (uri: string) => Tracker | Promise<Tracker>;

const factories = new Map<string, TrackerUriFactory>([['memory', () => new MemoryTracker()]]);

/** Packages that register a scheme when imported, tried when a URI of that scheme is opened first. */
const SCHEME_PACKAGES: Readonly<Record<string, string>> = { sqlite: '@tideflow/tracker-sqlite' };

/**
 * Registers how to open tracking URIs of `scheme` (`sqlite` is registered by
 * `@tideflow/tracker-sqlite` when it is imported).
 */
export function registerTrackerScheme(scheme: string, factory: TrackerUriFactory): void {
  factories.set(scheme.toLowerCase(), factory);
}

/**
 * Opens the tracker of a URI: `memory:` or `sqlite:///path/to/tideflow.db` (the package of a known
 * scheme is imported on first use when it is installed).
 */
export async function openTracker(uri: string): Promise<Tracker> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (!scheme)
    throw new InvalidOptionError(
      `Tracking URI "${uri}" has no scheme; use memory: or sqlite:///path.`,
    );
  if (!factories.has(scheme) && SCHEME_PACKAGES[scheme]) {
    const name = SCHEME_PACKAGES[scheme];
    try {
      await import(name);
    } catch (error) {
      throw new InvalidOptionError(
        `Tracking URI "${uri}" needs the package ${name}: npm install ${name} (${(error as Error).message}).`,
      );
    }
  }
  const factory = factories.get(scheme);
  if (!factory)
    throw new InvalidOptionError(
      `No tracker is registered for "${scheme}:" URIs (known: ${[...factories.keys()].join(', ')}).`,
    );
  return factory(uri);
}
