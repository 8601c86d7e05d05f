import { afterEach, describe, expect, it, vi } from 'vitest'

// The script-tag builds each merge into window.desirePath, so the page may load them in
// either order.
const w = window as unknown as { desirePath?: Record<string, unknown> }
afterEach(() => {
  delete w.desirePath
  vi.resetModules()
})

describe('script-tag entries', () => {
  for (const order of [
    ['../../../src/entries/iife.js', '../../../src/entries/nudges-iife.js'],
    ['../../../src/entries/nudges-iife.js', '../../../src/entries/iife.js'],
  ])
    it(`define window.desirePath with the tracker and the renderer, loaded ${order.join(' then ')}`, async () => {
      for (const entry of order) await import(entry)
      expect(Object.keys(w.desirePath!)).toEqual(expect.arrayContaining(['DesirePathError', 'createTracker', 'isDesirePathError', 'renderNudges', 'init', 'track', 'devtools']))
      expect(typeof w.desirePath!.createTracker).toBe('function')
      expect(typeof w.desirePath!.renderNudges).toBe('function')
    })
})
