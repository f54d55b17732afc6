import { bearerTokenMatches } from '@tideflow/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { normalizeHostName } from './resolve-options.js';
import type { ResolvedServerOptions } from './server-options.js';
import type { UrlSigner } from './signed-urls.js';

/** Headers on every response: no framing, no sniffing, scripts and styles from this origin only. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the token (the UI's static files). */
    public?: boolean;
    /** Also opens with a URL signed by the server's {@link UrlSigner} (`?exp=&sig=`). */
    signedUrl?: boolean;
    /** Also takes the bearer token as `?token=` on `GET` (a browser's EventSource cannot send headers). */
    queryToken?: boolean;
  }
}

/** The route config of a route that also opens with a URL signed by the server's {@link UrlSigner}. */
export const SIGNED_URL_ROUTE = { signedUrl: true };

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The route config of a route that also takes the token as `?token=` (the live-update stream). */
export const QUERY_TOKEN_ROUTE = { queryToken: true };

/** Whether a `GET` of a route with `config.queryToken` carries the token as `?token=`. */
function queryTokenMatches(request: FastifyRequest, token: string): boolean {
  if (request.method !== 'GET' || request.routeOptions.config.queryToken !== true) return false;
  const given = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof given === 'string' && bearerTokenMatches(`Bearer ${given}`, token);
}

/** The host name of a `Host` header value (`example.com:4200`, `[::1]:4200`). */
function hostName(header: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(header.trim());
  return normalizeHostName(m?.[1] ?? header);
}

/**
 * Installs the request guards, in order: security headers on every reply, `Host` allow-list
 * (403), CORS for the configured origins only (none by default), bearer token on every route
 * but the UI's static files (401; a route with `config.signedUrl` also opens with a URL that
 * `signer` signed, see {@link UrlSigner}, and one with `config.queryToken` takes `?token=`), and JSON-only bodies on mutating methods (415), so a cross-site form
 * post never reaches a route.
 */
export function installSecurity(
  app: FastifyInstance,
  options: ResolvedServerOptions,
  signer: UrlSigner,
): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    const host = request.headers.host;
    if (host === undefined || !options.allowedHosts.has(hostName(host)))
      throw new ApiError(
        403,
        'PERMISSION_DENIED',
        `Host ${JSON.stringify(host ?? '')} is not allowed; start the server with --allowed-hosts ${hostName(host ?? 'name')} to accept it.`,
      );
    const origin = request.headers.origin;
    const corsAllowed = origin !== undefined && options.corsOrigins.has(origin);
    if (corsAllowed) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
    }
    if (request.method === 'OPTIONS') {
      if (!corsAllowed)
        throw new ApiError(
          403,
          'PERMISSION_DENIED',
          `Origin ${JSON.stringify(origin ?? '')} is not allowed.`,
        );
      reply
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
      return reply;
    }
    // The UI's static files are public (see staticRoutes); the API they call is not.
    const config = request.routeOptions.config as { public?: unknown; signedUrl?: unknown };
    if (
      options.token !== undefined &&
      config.public !== true &&
      !bearerTokenMatches(request.headers.authorization, options.token) &&
      !queryTokenMatches(request, options.token)
    ) {
      const query = (request.query ?? {}) as Record<string, unknown>;
      if (config.signedUrl === true && request.method === 'GET' && query.sig !== undefined) {
        const verdict = signer.verify(request.url.split('?')[0], query.exp, query.sig);
        if (verdict === 'ok') return undefined;
        throw new ApiError(
          401,
          'UNAUTHENTICATED',
          verdict === 'expired'
            ? 'This signed link has expired; reload the page that gave it for a fresh one.'
            : 'This signed link is not valid for this address (its "sig" or "exp" was changed).',
        );
      }
      reply.header('www-authenticate', 'Bearer');
      throw new ApiError(
        401,
        'UNAUTHENTICATED',
        'This server needs "Authorization: Bearer <token>" (the token it was started with).',
      );
    }
    if (MUTATING.has(request.method)) {
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json')
        throw new ApiError(
          415,
          'INVALID_PARAMETER_VALUE',
          `${request.method} ${request.url.split('?')[0]} takes a JSON body ("Content-Type: application/json"), got ${JSON.stringify(type)}.`,
        );
    }
    return undefined;
  });
}
