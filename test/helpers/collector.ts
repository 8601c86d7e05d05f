import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { gunzipSync } from 'node:zlib'

export const ENDPOINT = 'https://collector.test/v1/batch'
export const server = setupServer()

export interface WireEvent {
  type: string
  event?: string
  name?: string
  messageId: string
  anonymousId: string
  userId?: string
  timestamp: string
  properties?: Record<string, unknown>
  traits?: Record<string, unknown>
  context: Record<string, any>
}
export interface Received {
  batch: WireEvent[]
  sentAt: string
  writeKey?: string
  contentType: string | null
  contentEncoding: string | null
  keepalive: boolean
  /** bytes on the wire (after compression) */
  bytes: number
}

/**
 * A Segment-style collector on msw. `reply` decides each response (default 200);
 * every request that reached it is recorded, including the ones answered with errors.
 */
export function collector(reply: (n: number, body: Received) => Response | Promise<Response> = () => HttpResponse.json({ success: true })) {
  const requests: Received[] = []
  const accepted: WireEvent[] = []
  server.use(
    http.post(ENDPOINT, async ({ request }) => {
      const raw = Buffer.from(await request.arrayBuffer())
      const encoding = request.headers.get('content-encoding')
      const body = JSON.parse((encoding == 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as Received
      body.contentType = request.headers.get('content-type')
      body.contentEncoding = encoding
      body.bytes = raw.length
      body.keepalive = request.keepalive
      requests.push(body)
      const res = await reply(requests.length, body)
      if (res.status >= 200 && res.status < 300) accepted.push(...body.batch)
      return res
    }),
  )
  return {
    requests,
    accepted,
    /** messageIds accepted more than once */
    dupes: () => accepted.length - new Set(accepted.map((e) => e.messageId)).size,
  }
}
