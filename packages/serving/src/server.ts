import { assertSafeBind, bearerTokenMatches, getConfig, isLoopbackHost } from '@tideflow/core';
import type { Logger, Tracker } from '@tideflow/core';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCsvInput } from './csv-input.js';
import { ScoringRequestError, ServingSetupError, type ScoringErrorBody } from './errors.js';
import { readJsonInput } from './input-frame.js';
import { ModelSource, type ServedModel } from './model-source.js';
import { predict, type ScoringParams } from './predictions.js';
import { INVOCATIONS_JSON_SCHEMA } from './request-schema.js';

/** Options of {@link serveModel}. */
export interface ServeModelOptions {
  /** The store holding the model. Default: the configured tracker (`configure`, `TIDEFLOW_TRACKING_URI`). */
  tracker?: Tracker;
  /** The interface to listen on; anything but loopback needs `token`. @default "127.0.0.1" */
  host?: string;
  /** The port; `0` picks a free one. @default 5001 */
  port?: number;
  /** A bearer token `/invocations` and `/version` then require (`Authorization: Bearer <token>`). */
  token?: string;
  /** The largest request body accepted, in bytes; larger ones get 413. @default 67108864 */
  bodyLimit?: number;
  /** Where model moves and failed alias lookups are logged. Default: the configured logger. */
  logger?: Logger;
}

/** A running model server. */
export interface ModelServer {
  /** The base URL, e.g. `http://127.0.0.1:5001`. */
  readonly url: string;
  /** The host it listens on. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** The Fastify instance (for embedding: extra routes, hooks, `inject`). */
  readonly app: FastifyInstance;
  /** The model that answered last. */
  served(): ServedModel;
  /** Stops listening and closes open connections; the tracker stays open (the caller's). */
  close(): Promise<void>;
}

/** MLflow's default port of `mlflow models serve`. */
export const DEFAULT_SERVING_PORT = 5001;

/** The default body limit: 64 MiB, room for a few hundred thousand rows of a few columns. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** The header naming the registered version that answered a `POST /invocations`. */
export const MODEL_VERSION_HEADER = 'tideflow-model-version';

/**
 * Serves a registered or logged model over MLflow's scoring protocol: `GET /ping`, `GET /health`,
 * `GET /version` and `POST /invocations` (JSON in every MLflow input form, or `text/csv`). The
 * model is loaded before the server listens; a URI naming an alias follows it, so when the alias
 * moves the next request is answered by the new version. Binding a non-loopback host needs a token.
 *
 * @throws `UnsafeBindError` for a non-loopback host without a token, `ModelUriError` /
 *   `ModelNotFoundError` for a URI that names nothing, {@link ServingSetupError} for bad options
 *   or a model that cannot be served — all before listening.
 *
 * @example
 * ```ts
 * import { serveModel } from '@tideflow/serving';
 *
 * const server = await serveModel('models:/iris@champion', { port: 0 });
 * const res = await fetch(`${server.url}/invocations`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ dataframe_split: { columns: ['x', 'y'], data: [[0.5, 1.5]] } }),
 * });
 * console.log(await res.json()); // { predictions: [2] }
 * await server.close();
 * ```
 */
export async function serveModel(
  uri: string,
  options: ServeModelOptions = {},
): Promise<ModelServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_SERVING_PORT;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServingSetupError(`Invalid port ${port}: give an integer from 0 to 65535.`);
  }
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1) {
    throw new ServingSetupError(
      `Invalid body limit ${bodyLimit}: give a positive number of bytes.`,
    );
  }
  assertSafeBind(host, options.token);
  const logger = options.logger ?? getConfig().logger;
  const tracker = options.tracker ?? (await configuredTracker(uri));
  const source = await ModelSource.open(uri, tracker, logger);
  const app = scoringApp(source, { host, bodyLimit, token: options.token, logger });
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}`,
    host,
    port: bound,
    app,
    served: () => source.current,
    close: () => app.close(),
  };
}

async function configuredTracker(uri: string): Promise<Tracker> {
  const tracking = getConfig().tracking;
  if (!tracking) {
    throw new ServingSetupError(
      `Cannot serve ${uri}: tracking is turned off; pass { tracker } or configure a tracking URI.`,
    );
  }
  return tracking.tracker;
}

interface AppOptions {
  host: string;
  bodyLimit: number;
  token: string | undefined;
  logger: Logger;
}

function scoringApp(source: ModelSource, options: AppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: false,
    forceCloseConnections: true,
    requestTimeout: 60_000,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Strict: no coercion ("0.5" is not a number) and no silent removal of unknown keys.
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allowUnionTypes: true,
      },
    },
  });
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });
  app.addHook('onRequest', guard(options));
  app.setErrorHandler(errorHandler(options.logger));
  app.setNotFoundHandler((request, reply) => {
    send(reply, 404, {
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No endpoint ${request.method} ${request.url.split('?')[0]}; the scoring server has GET /ping, /health, /version and POST /invocations.`,
    });
  });

  const alive = (_req: FastifyRequest, reply: FastifyReply) =>
    reply.type('application/json').send('\n');
  app.get('/ping', alive);
  app.get('/health', alive);
  app.get('/version', async () => {
    const served = await source.resolve();
    return {
      uri: served.uri,
      name: served.name,
      version: served.version,
      alias: served.alias,
      run_id: served.runId,
      model_name: served.modelName,
      loaded_at: served.loadedAt,
    };
  });
  app.post(
    '/invocations',
    {
      schema: {
        body: {
          content: {
            'application/json': { schema: INVOCATIONS_JSON_SCHEMA },
            'text/csv': { schema: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const served = await source.resolve();
      const body = request.body;
      let answer;
      if (typeof body === 'string') {
        answer = predict(served, readCsvInput(body, served.schema));
      } else if (body === undefined || body === null) {
        throw new ScoringRequestError(
          400,
          'BAD_REQUEST',
          'The body is empty: send JSON (dataframe_split, dataframe_records, instances or inputs) or text/csv.',
        );
      } else {
        const json = body as Record<string, unknown>;
        answer = predict(served, readJsonInput(json, served.schema), json.params as ScoringParams);
      }
      if (served.version !== null) void reply.header(MODEL_VERSION_HEADER, String(served.version));
      return answer;
    },
  );
  return app;
}

/** The bind and token checks of every request. */
function guard(options: AppOptions) {
  const loopback = isLoopbackHost(options.host);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // A loopback server answers only requests addressed to a loopback name: a page on another
    // site that re-points its DNS name at 127.0.0.1 (DNS rebinding) is refused.
    if (loopback) {
      const hostHeader = request.headers.host ?? '';
      const name = hostHeader.startsWith('[')
        ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
        : hostHeader.split(':')[0];
      if (!isLoopbackHost(name)) {
        send(reply, 403, {
          error_code: 'PERMISSION_DENIED',
          message: `Host header ${JSON.stringify(hostHeader)} is not a loopback name; this server listens on ${options.host} only.`,
        });
        return reply;
      }
    }
    const path = request.url.split('?')[0];
    const open = path === '/ping' || path === '/health';
    if (options.token !== undefined && !open) {
      if (!bearerTokenMatches(request.headers.authorization, options.token)) {
        void reply.header('www-authenticate', 'Bearer');
        send(reply, 401, {
          error_code: 'UNAUTHENTICATED',
          message: 'This server needs a token: send "Authorization: Bearer <token>".',
        });
        return reply;
      }
    }
  };
}

function send(reply: FastifyReply, status: number, body: ScoringErrorBody): void {
  void reply.code(status).type('application/json').send(body);
}

const SUPPORTED = 'application/json or text/csv';

/** Every error as MLflow's error JSON; only a 5xx (a fault of the server, not the input) is logged. */
const errorHandler =
  (logger: Logger) =>
  (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if (error instanceof ScoringRequestError) return send(reply, error.status, error.toBody());
    if (error.validation) {
      const [first] = error.validation;
      const path = `body${first.instancePath.replaceAll('/', '.')}`;
      const params = first.params as { additionalProperty?: string; allowedValues?: unknown[] };
      let detail = first.message ?? 'is invalid';
      if (params.additionalProperty !== undefined)
        detail = `has an unknown key ${JSON.stringify(params.additionalProperty)}`;
      if (params.allowedValues !== undefined)
        detail = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      const code = path.startsWith('body.params') ? 'INVALID_PARAMETER_VALUE' : 'BAD_REQUEST';
      return send(reply, 400, { error_code: code, message: `Invalid request: ${path} ${detail}.` });
    }
    const status = error.statusCode ?? 500;
    if (status === 415) {
      const type = request.headers['content-type'];
      return send(reply, 415, {
        error_code: 'BAD_REQUEST',
        message: `Content-Type ${type === undefined ? '(none)' : JSON.stringify(type)} is not supported: send ${SUPPORTED}.`,
      });
    }
    if (status === 413) {
      return send(reply, 413, {
        error_code: 'REQUEST_LIMIT_EXCEEDED',
        message: `The body is larger than the limit of ${request.routeOptions.bodyLimit ?? '?'} bytes; send fewer rows per request.`,
      });
    }
    if (status >= 400 && status < 500) {
      return send(reply, status, {
        error_code: 'MALFORMED_REQUEST',
        message: `The body cannot be read: ${error.message}.`,
      });
    }
    logger.error({ error: error.message, url: request.url }, `scoring failed: ${error.message}`);
    send(reply, 500, { error_code: 'INTERNAL_ERROR', message: `Scoring failed: ${error.message}` });
  };
