// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'

const subscribed = vi.hoisted(() => [] as string[])
vi.mock('web-vitals', () => {
  const on = (name: string) => () => void subscribed.push(name)
  return { onCLS: on('CLS'), onFCP: on('FCP'), onINP: on('INP'), onLCP: on('LCP'), onTTFB: on('TTFB') }
})

describe('captureVitals without a DOM (server rendering)', () => {
  it('imports, does nothing and returns a stop that does nothing', async () => {
    expect(typeof window).toBe('undefined')
    const { captureVitals } = await import('../../../src/entries/vitals.js')
    const track = vi.fn()
    const warn = vi.spyOn(console, 'warn')
    let stop!: () => void
    expect(() => (stop = captureVitals({ track, journey: () => null } as never))).not.toThrow()
    expect(() => stop()).not.toThrow()
    expect(subscribed).toEqual([])
    expect(track).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
  })

  it('imports the real web-vitals on the server without touching browser globals', async () => {
    const real = await vi.importActual<typeof import('web-vitals')>('web-vitals')
    expect(typeof real.onINP).toBe('function')
  })
})
