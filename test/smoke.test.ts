import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { createTracker } from '../src/index.js'
import { collector, ENDPOINT } from './helpers/collector.js'

describe('smoke', () => {
  it('delivers a tracked event', async () => {
    const c = collector()
    const dp = createTracker({ endpoint: ENDPOINT, indexedDB: new IDBFactory() })
    dp.track('Project Created', { plan: 'pro' })
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['Project Created'])
    expect(c.accepted[0]!.properties).toEqual({ plan: 'pro' })
    await dp.shutdown()
  })
})
