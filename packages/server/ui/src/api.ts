/** Talking to the tideflow server: JSON in and out, the bearer token when the page got one. */

const TOKEN_KEY = 'tideflow.token';

/** A refused request: the server's MLflow-shaped error, or what went wrong on the way. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Takes `?token=` off the page's address once (into this tab's storage), then reads it back. */
export function token(): string | undefined {
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given !== null) {
    sessionStorage.setItem(TOKEN_KEY, given);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.toString());
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

type Query = Record<string, string | number | boolean | undefined>;

/** `path` with the defined entries of `query` as its query string. */
export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const t = token();
  if (t !== undefined) headers.set('authorization', `Bearer ${t}`);
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) {
    let code = 'HTTP_ERROR';
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error_code?: string; message?: string };
      code = body.error_code ?? code;
      message = body.message ?? message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiFailure(response.status, code, message);
  }
  return response;
}

/** GET a JSON route. */
export async function getJson<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
  const r = await request(withQuery(path, query), signal ? { signal } : {});
  return (await r.json()) as T;
}

/** POST a JSON body to a route. */
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const r = await request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return (await r.json()) as T;
}

/** The bytes of one of a run's artifacts. */
export async function artifactBlob(runId: string, path: string): Promise<Blob> {
  const r = await request(withQuery('/get-artifact', { run_id: runId, path }));
  return r.blob();
}

/** The text of one of a run's artifacts. */
export async function artifactText(runId: string, path: string): Promise<string> {
  return (await artifactBlob(runId, path)).text();
}

/** A `data:` URL of a blob (the CSP admits `data:` images, not `blob:` ones). */
export function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('unreadable artifact'));
    reader.readAsDataURL(blob);
  });
}
