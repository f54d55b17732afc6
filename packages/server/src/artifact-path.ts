import { ApiError } from './api-error.js';

/**
 * Checks an artifact path taken from a request before it reaches the store: relative, `/`-separated,
 * no empty, `.` or `..` segment (also once more percent-decoded, so `%2e%2e` sent double-encoded
 * is refused too), no backslash, NUL or drive letter.
 *
 * @returns the path without a leading `./`.
 * @throws {@link ApiError} 400 `INVALID_PARAMETER_VALUE` naming the path.
 */
export function confineArtifactPath(path: string, { allowEmpty = false } = {}): string {
  const refuse = (why: string): never => {
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid artifact path ${JSON.stringify(path)}: ${why}.`,
    );
  };
  if (path === '') return allowEmpty ? '' : refuse('it is empty');
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    refuse('it holds a malformed percent escape');
  }
  for (const p of new Set([path, decoded])) {
    if (p.includes('\0')) refuse('it holds a NUL byte');
    if (p.includes('\\')) refuse('it holds a backslash; use "/"');
    if (p.startsWith('/') || /^[a-z]:/i.test(p))
      refuse('it is absolute; use a path relative to the run');
    const segments = p.replace(/\/+$/, '').split('/');
    if (segments.some((s) => s === '..')) refuse('it leaves the run\'s artifact directory ("..")');
    if (segments.some((s) => s === '' || s === '.')) refuse('it has an empty or "." segment');
  }
  return path.replace(/\/+$/, '');
}
