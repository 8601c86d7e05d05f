/**
 * Request options for one batch. `text/plain` keeps it a CORS "simple request": no
 * preflight round trip before each batch, and the same body works with `sendBeacon`.
 * Collectors read the JSON body whatever the content type (Segment's API does).
 */
export const init = (body: string, keepalive: boolean, signal?: AbortSignal): RequestInit => ({
  method: 'POST',
  body,
  keepalive,
  headers: { 'content-type': 'text/plain' },
  signal: signal ?? null,
})

/** POSTs one body; resolves to [status (0: network error or timeout), Retry-After]. */
export async function post(f: typeof fetch, url: string, body: string, timeout: number): Promise<[number, string?]> {
  const ctl = new AbortController()
  const timer = setTimeout(() => ctl.abort(), timeout)
  try {
    const r = await f(url, init(body, false, ctl.signal))
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
