/** Result of one POST: HTTP status (0 for a network error or timeout) and Retry-After. */
export interface Reply {
  status: number
  retryAfter?: string | null
}

/**
 * POSTs one body. `text/plain` keeps it a CORS "simple request": no preflight
 * round trip before each batch, and the same body works with `sendBeacon`.
 * Collectors read the JSON body whatever the content type (Segment's API does).
 */
export const init = (body: string, keepalive?: boolean, signal?: AbortSignal): RequestInit => ({
  method: 'POST',
  body,
  keepalive: !!keepalive,
  headers: { 'content-type': 'text/plain' },
  ...(signal && { signal }),
})

export async function post(f: typeof fetch, url: string, body: string, timeout: number): Promise<Reply> {
  const ctl = typeof AbortController == 'function' ? new AbortController() : undefined
  const timer = setTimeout(() => ctl?.abort(), timeout)
  try {
    const r = await f(url, init(body, false, ctl?.signal))
    // Retry-After is readable cross-origin only if the collector exposes it (Access-Control-Expose-Headers).
    return { status: r.status, retryAfter: r.headers.get('retry-after') }
  } catch {
    return { status: 0 }
  } finally {
    clearTimeout(timer)
  }
}

/** Retry-After in ms: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); 0 when absent or bad. */
export function retryAfterMs(h: string | null | undefined, now: number): number {
  if (!h) return 0
  const ms = /^\s*\d+\s*$/.test(h) ? +h * 1000 : Date.parse(h) - now
  return ms > 0 ? ms : 0
}
