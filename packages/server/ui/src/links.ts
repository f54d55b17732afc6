/**
 * Whether a link the server handed out to open without headers (a flow run's `report`; on a
 * server with a token it is signed and carries `?exp=<epoch ms>`) has expired or will within
 * `marginMs`, so that the page asks for a fresh one before it is followed. A link without `exp`
 * does not expire.
 */
export function linkExpiresSoon(link: string, marginMs = 60_000, now = Date.now()): boolean {
  // Only the query is read: any base parses a relative link.
  const exp = new URL(link, 'http://localhost').searchParams.get('exp');
  return exp !== null && Number(exp) - marginMs <= now;
}
