import { InvalidOptionError, getConfig, openTracker } from '@tideflow/core';
import type { Tracker } from '@tideflow/core';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { toApiError } from './api-error.js';
import { resolveServerOptions } from './resolve-options.js';
import { ChangeFeed } from './change-feed.js';
import { closeIdleSocketsOnClose } from './idle-sockets.js';
import { artifactRoutes } from './routes/artifacts.js';
import { eventRoutes } from './routes/events.js';
import { tideflowArtifactRoutes } from './routes/tideflow-artifacts.js';
import { tideflowRegistryEditRoutes } from './routes/tideflow-registry-edits.js';
import { tideflowRecordRoutes } from './routes/tideflow-records.js';
import { tideflowRunRoutes } from './routes/tideflow-runs.js';
import { TIDEFLOW_BASE } from './routes/tideflow-schemas.js';
import { experimentRoutes } from './routes/experiments.js';
import { flowRunRoutes } from './routes/flow-runs.js';
import { modelRoutes } from './routes/models.js';
import { modelEditRoutes } from './routes/model-edits.js';
import { registryEditRoutes } from './routes/registry-edits.js';
import { modelSearchRoutes } from './routes/model-search.js';
import { runArtifactRoutes } from './routes/run-artifacts.js';
import { runRoutes } from './routes/runs.js';
import { runEditRoutes } from './routes/run-edits.js';
import { installSecurity } from './security.js';
import { UrlSigner } from './signed-urls.js';
import type { LinkMaker } from './signed-urls.js';
import { staticRoutes } from './static.js';
import type { ServerOptions } from './server-options.js';

/** Where the OpenAPI 3 document of the routes is served. */
export const OPENAPI_PATH = '/api/openapi.json';

/** A tideflow tracking server, built by {@link createServer}. */
export interface TideflowServer {
  /** The Fastify instance (for `inject` in tests, or more routes). */
  readonly app: FastifyInstance;
  /** The tracker it serves. */
  readonly tracker: Tracker;
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:4200`. */
  listen(): Promise<string>;
  /** The base URL once listening, else `undefined`. */
  readonly url: string | undefined;
  /** How many live-update streams (`GET /api/events`) are open. */
  readonly liveConnections: number;
  /** Stops listening (ending every live-update stream) and closes the tracker if the server opened it. */
  close(): Promise<void>;
}

/**
 * Builds the tracking server over a store: MLflow's REST routes under `/api/2.0/mlflow`, the
 * OpenAPI document at {@link OPENAPI_PATH}, and the guards of {@link ServerOptions} (Host
 * allow-list, no CORS unless asked, bearer token, JSON-only mutations, body limit). Options are
 * checked before the store is opened or anything listens.
 *
 * @example
 * ```ts
 * const server = await createServer({ trackingUri: 'sqlite:///.tideflow/tideflow.db', port: 0 });
 * console.log(await server.listen()); // http://127.0.0.1:41234
 * await server.close();
 * ```
 * @throws `UnsafeBindError` for a non-loopback host without a token; `InvalidOptionError` for
 * a bad option (neither or both of `trackingUri` and `tracker`, a bad port, ...).
 */
export async function createServer(options: ServerOptions): Promise<TideflowServer> {
  const resolved = resolveServerOptions(options);
  if ((options.trackingUri === undefined) === (options.tracker === undefined)) {
    throw new InvalidOptionError(
      'Pass exactly one of the server options "trackingUri" and "tracker".',
    );
  }
  const logger = options.logger ?? getConfig().logger;
  const owned = options.tracker === undefined;
  const tracker = options.tracker ?? (await openTracker(options.trackingUri!));
  const app = Fastify({
    bodyLimit: resolved.bodyLimit,
    logger: false,
    // `__proto__` / `constructor.prototype` keys in a JSON body are refused, not merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  const sockets = closeIdleSocketsOnClose(app.server);
  // Only JSON bodies: a text/plain "simple" cross-site POST never gets parsed.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body } = toApiError(error, {
      // tideflow's own routes also name the store's error, for RestTracker to raise it again.
      withTideflowCode: request.url.startsWith(`${TIDEFLOW_BASE}/`),
    });
    if (statusCode === 500) {
      const { message, stack } =
        error instanceof Error ? error : { message: String(error), stack: undefined };
      logger.error(
        { method: request.method, url: request.url, error: message, stack },
        `${request.method} ${request.url.split('?')[0]} failed: ${message}`,
      );
    }
    return reply.code(statusCode).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0]}; the routes are listed at ${OPENAPI_PATH}.`,
    }),
  );
  // Links a page opens without headers (the report, artifacts): signed when a token guards the API.
  const signer = new UrlSigner();
  const link: LinkMaker = (path) => (resolved.token === undefined ? path : signer.sign(path));
  installSecurity(app, resolved, signer);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'tideflow tracking server', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(resolved.token === undefined ? {} : { security: [{ bearer: [] }] }),
    },
  });
  app.get('/api/health', { schema: { summary: 'Liveness', tags: ['server'] } }, async () => ({
    status: 'ok',
  }));
  experimentRoutes(app, tracker);
  runRoutes(app, tracker);
  runEditRoutes(app, tracker);
  modelRoutes(app, tracker);
  modelEditRoutes(app, tracker);
  registryEditRoutes(app, tracker);
  modelSearchRoutes(app, tracker);
  artifactRoutes(app, tracker);
  tideflowRunRoutes(app, tracker);
  tideflowArtifactRoutes(app, tracker, resolved.uploadLimit);
  tideflowRegistryEditRoutes(app, tracker);
  tideflowRecordRoutes(app, tracker);
  // The feed's store errors reach the clients as `store-error` events, and the log.
  const feed = new ChangeFeed(tracker, { intervalMs: resolved.livePollMs, logger });
  const live = eventRoutes(app, tracker, feed, resolved.livePingMs);
  // After the live streams ended (eventRoutes' own preClose): no connection may hold the close.
  app.addHook('preClose', async () => sockets.close());
  flowRunRoutes(app, tracker, link);
  runArtifactRoutes(app, tracker, link);
  staticRoutes(app);
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  await app.ready();

  let url: string | undefined;
  return {
    app,
    tracker,
    get url() {
      return url;
    },
    get liveConnections() {
      return live.size;
    },
    async listen() {
      const address = await app.listen({ host: resolved.host, port: resolved.port });
      url = address;
      return address;
    },
    async close() {
      await app.close();
      if (owned) await tracker.close();
    },
  };
}
