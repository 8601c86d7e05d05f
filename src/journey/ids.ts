import type { JourneyEvent } from './rules.js'

/** An event's place in the fold order, as one comparable string (kept as the state's `last`). */
export const key = (e: JourneyEvent) => String(e.t).padStart(15, '0') + '|' + String(e.q || 0).padStart(10, '0') + '|' + e.messageId
/**
 * The order events are folded in: timestamp, then arrival in the shared store (tabs of one
 * millisecond), then messageId (a UUIDv7's counter is the local sequence).
 */
export const byKey = (a: JourneyEvent, b: JourneyEvent) =>
  a.t - b.t || (a.q || 0) - (b.q || 0) || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0)

/** 128-bit hash (cyrb128) as a UUID-shaped string with version 8 (custom). */
export function detId(s: string): string {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762
  for (let i = 0, k; i < s.length; i++) {
    k = s.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  const x = [h1 ^ h2 ^ h3 ^ h4, h2 ^ h1, h3 ^ h1, h4 ^ h1].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-8${x.slice(13, 16)}-${'89ab'[parseInt(x[16]!, 16) & 3]}${x.slice(17, 20)}-${x.slice(20, 32)}`
}
