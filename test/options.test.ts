import { describe, expect, it } from 'vitest'
import { createTracker, DesirePathError, isDesirePathError, type TrackerOptions } from '../src/entries/index.js'

describe('options are checked at creation, with errors that name the option', () => {
  const bad: [string, unknown][] = [
    ['options', undefined],
    ['endpoint', { endpoint: '' }],
    ['endpoint', { endpoint: 42 }],
    ['endpoint', { endpoint: 'ftp://x/y' }],
    ['endpoint', { endpoint: 'javascript:alert(1)' }],
    ['flushAt', { endpoint: '/v1/batch', flushAt: 0 }],
    ['flushInterval', { endpoint: '/v1/batch', flushInterval: -1 }],
    ['maxBatchBytes', { endpoint: '/v1/batch', maxBatchBytes: '500kb' }],
    ['retryMax', { endpoint: '/v1/batch', retryMax: Infinity }],
    ['maxQueueEvents', { endpoint: '/v1/batch', maxQueueEvents: NaN }],
    ['onError', { endpoint: '/v1/batch', onError: 'log' }],
    ['fetch', { endpoint: '/v1/batch', fetch: {} }],
    ['storageKey', { endpoint: '/v1/batch', storageKey: '' }],
    ['writeKey', { endpoint: '/v1/batch', writeKey: 12 }],
  ]
  for (const [name, o] of bad)
    it(`${name}: ${JSON.stringify(o) ?? 'undefined'}`, () => {
      let err: unknown
      try {
        createTracker(o as TrackerOptions)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(DesirePathError)
      expect(isDesirePathError(err)).toBe(true)
      expect((err as DesirePathError).code).toBe('option')
      expect((err as Error).message).toContain(`"${name}"`)
    })

  it('accepts a relative endpoint, resolved against the page', () => {
    expect(() => createTracker({ endpoint: '/v1/batch', indexedDB: null }).shutdown()).not.toThrow()
  })

  it('isDesirePathError works across realms (no instanceof)', () => {
    const foreign = Object.assign(new Error('x'), { name: 'DesirePathError', code: 'internal' })
    expect(isDesirePathError(foreign)).toBe(true)
    expect(isDesirePathError(new Error('x'))).toBe(false)
    expect(isDesirePathError(null)).toBe(false)
  })
})
