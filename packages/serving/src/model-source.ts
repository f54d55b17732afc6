import { loadModel, parseModelUri } from '@tideflow/core';
import type { Logger, ModelRef, ModelSignature, Tracker } from '@tideflow/core';
import type { Classifier } from '@tideflow/models/serving';
import { ServingSetupError } from './errors.js';
import { inputSchema, type InputSchema } from './input-schema.js';

/** The model a server answers with at one moment, and where it came from. */
export interface ServedModel {
  /** The URI being served, e.g. `models:/iris@champion`. */
  readonly uri: string;
  /** The registered name, or `null` for a run's model (`runs:/…`). */
  readonly name: string | null;
  /** The registered version that answers, or `null` for a run's model. */
  readonly version: number | null;
  /** The alias followed (`champion`, or `latest`), or `null` for a fixed version or run. */
  readonly alias: string | null;
  /** The run that logged the model. */
  readonly runId: string;
  /** The logged model's name within that run. */
  readonly modelName: string;
  /** The logged signature, or `null`. */
  readonly signature: ModelSignature | null;
  /** The input columns read from the signature. */
  readonly schema: InputSchema;
  /** The decoded estimator. */
  readonly model: Classifier;
  /** When this version was loaded, epoch ms. */
  readonly loadedAt: number;
}

/**
 * The model behind a URI, following its alias: {@link ModelSource.resolve} looks the alias up
 * (one lookup shared by the requests that arrive while it runs) and loads a version it has not
 * seen, so a moved `champion` answers the next request without a restart. A failed lookup
 * (store unreachable, alias deleted) keeps the loaded version answering and logs a warning.
 */
export class ModelSource {
  private servedModel: ServedModel;
  private lookup: Promise<ServedModel> | null = null;
  private lastWarning = '';

  private constructor(
    private readonly ref: ModelRef,
    private readonly tracker: Tracker,
    private readonly logger: Logger | undefined,
    first: ServedModel,
  ) {
    this.servedModel = first;
  }

  /**
   * Loads the model of `uri` (`models:/NAME@ALIAS`, `models:/NAME/VERSION`, `models:/NAME/latest`,
   * `runs:/RUN_ID/models/NAME`).
   *
   * @throws `ModelUriError`, `ModelNotFoundError` from core for a URI that names nothing, and
   *   {@link ServingSetupError} for a model that is not a classifier or a signature it cannot serve.
   */
  static async open(uri: string, tracker: Tracker, logger?: Logger): Promise<ModelSource> {
    const ref = parseModelUri(uri);
    let first: ServedModel;
    if (ref.kind === 'registered') {
      const version = await tracker.getModelVersion(ref.name, ref.version);
      first = await load(uri, ref, tracker, version.version, version.runId, version.modelName);
    } else {
      first = await load(uri, ref, tracker, null, ref.runId, ref.modelName);
    }
    return new ModelSource(ref, tracker, logger, first);
  }

  /** The model that answered last (no lookup). */
  get current(): ServedModel {
    return this.servedModel;
  }

  /** Whether the URI names an alias (or `latest`) that can move. */
  get follows(): boolean {
    return this.ref.kind === 'registered' && typeof this.ref.version === 'string';
  }

  /**
   * The model that answers now: when the URI follows an alias, after looking it up. Requests
   * that arrive in the same turn of the event loop share one lookup (a burst of requests costs
   * one store query, not one each); a request in a later turn looks again, so a move is seen by
   * every request read after it.
   */
  resolve(): Promise<ServedModel> | ServedModel {
    if (!this.follows) return this.servedModel;
    if (this.lookup) return this.lookup;
    const lookup = this.refresh();
    this.lookup = lookup;
    // Forgotten once it has settled and the turn has ended, whichever comes last: a slow lookup
    // (a remote store, a new version loading) is still shared, never run twice at once.
    let settled = false;
    let turned = false;
    const forget = () => {
      if (settled && turned && this.lookup === lookup) this.lookup = null;
    };
    void lookup.finally(() => {
      settled = true;
      forget();
    });
    setImmediate(() => {
      turned = true;
      forget();
    });
    return lookup;
  }

  private async refresh(): Promise<ServedModel> {
    const ref = this.ref as Extract<ModelRef, { kind: 'registered' }>;
    try {
      const version = await this.tracker.getModelVersion(ref.name, ref.version);
      if (version.version !== this.servedModel.version) {
        const next = await load(
          this.servedModel.uri,
          ref,
          this.tracker,
          version.version,
          version.runId,
          version.modelName,
        );
        this.logger?.info(
          { uri: next.uri, from: this.servedModel.version, to: next.version },
          `${next.uri} moved from v${this.servedModel.version} to v${next.version}; serving v${next.version}`,
        );
        this.servedModel = next;
      }
      this.lastWarning = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastWarning) {
        this.lastWarning = message;
        this.logger?.warn(
          { uri: this.servedModel.uri, error: message },
          `cannot follow ${this.servedModel.uri} (${message}); still serving v${this.servedModel.version}`,
        );
      }
    }
    return this.servedModel;
  }
}

async function load(
  uri: string,
  ref: ModelRef,
  tracker: Tracker,
  version: number | null,
  runId: string,
  modelName: string,
): Promise<ServedModel> {
  // The pinned URI: the version looked up is the one decoded, even if the alias moves meanwhile.
  const pinned = version === null ? uri : `models:/${(ref as { name: string }).name}/${version}`;
  const model = await loadModel<Classifier>(pinned, { tracker });
  if (typeof model?.predict !== 'function' || typeof model.predictProba !== 'function') {
    throw new ServingSetupError(
      `${pinned} is not a classifier (it has no predict and predictProba); only classifiers are served.`,
    );
  }
  const logged = (await tracker.listLoggedModels(runId)).find((m) => m.name === modelName);
  const signature = logged?.signature ?? null;
  return {
    uri,
    name: ref.kind === 'registered' ? ref.name : null,
    version,
    alias: ref.kind === 'registered' && typeof ref.version === 'string' ? ref.version : null,
    runId,
    modelName,
    signature,
    schema: inputSchema(signature, pinned),
    model,
    loadedAt: Date.now(),
  };
}
