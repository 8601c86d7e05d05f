// @vitest-environment node
import { describe, expect, it } from 'vitest'

describe('server-side rendering (no DOM)', () => {
  it('imports without touching browser globals and gives a harmless tracker', async () => {
    expect(typeof window).toBe('undefined')
    const { createTracker } = await import('../src/index.js')
    const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch' })
    expect(() => {
      dp.track('E', { a: 1 })
      dp.page()
      dp.identify('u')
      dp.reset()
      dp.on('sent', () => {})()
    }).not.toThrow()
    await expect(dp.flush()).resolves.toBeUndefined()
    await expect(dp.shutdown()).resolves.toBeUndefined()
  })

  it('still rejects bad options on the server', async () => {
    const { createTracker } = await import('../src/index.js')
    expect(() => createTracker({ endpoint: '' })).toThrow(/"endpoint"/)
  })
})
