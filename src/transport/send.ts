/**
 * Request options for one batch. `text/plain` keeps it a CORS "simple request": no
 * preflight round trip before each batch, and the same body works with `sendBeacon`.
 * Collectors read the JSON body whatever the content type (Segment's API does).
 */
export const init = (body: BodyInit, keepalive: boolean, signal?: AbortSignal, gzipped?: boolean): RequestInit => ({
  method: 'POST',
  body,
  keepalive,
  headers: gzipped ? { 'content-type': 'text/plain', 'content-encoding': 'gzip' } : { 'content-type': 'text/plain' },
  signal: signal ?? null,
})

/** The body gzipped by the browser's CompressionStream (off the main thread). */
export const gzip = async (body: string): Promise<ArrayBuffer> => new Response(new Response(body).body!.pipeThrough(new CompressionStream('gzip'))).arrayBuffer()

/**
 * POSTs one body, gzipped when `zip` (sent as it is if compressing fails); resolves to
 * [status (0: network error or timeout), Retry-After].
 */
export async function post(f: typeof fetch, url: string, body: string, timeout: number, zip?: boolean): Promise<[number, string?]> {
  const ctl = new AbortController()
  const timer = setTimeout(() => ctl.abort(), timeout)
  try {
    const packed = zip && (await gzip(body).catch(() => undefined))
    const r = await f(url, packed ? init(packed, false, ctl.signal, true) : init(body, false, ctl.signal))
    // Retry-After is readable cross-origin only if the collector exposes it (Access-Control-Expose-Headers).
    return [r.status, r.headers.get('retry-after') || '']
  } catch {
    return [0]
  } finally {
    clearTimeout(timer)
  }
}

/** Retry-After in ms: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); 0 when absent or bad. */
export const retryAfterMs = (h: string | undefined, now: number): number =>
  Math.max(0, (h && (/^\s*\d+\s*$/.test(h) ? +h * 1000 : Date.parse(h) - now)) || 0)
