// @vitest-environment node
import { describe, expect, it } from 'vitest'

describe('server-side rendering (no DOM)', () => {
  it('imports without touching browser globals and gives a harmless tracker', async () => {
    expect(typeof window).toBe('undefined')
    const { createTracker } = await import('../src/entries/index.js')
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

  it('accepts a relative endpoint, as the page would (next build, Node)', async () => {
    const { createTracker } = await import('../src/entries/index.js')
    const dp = createTracker({ endpoint: '/v1/batch' })
    dp.track('E')
    await expect(dp.shutdown()).resolves.toBeUndefined()
    expect(() => createTracker({ endpoint: 'ftp://x/y' })).toThrow(/"endpoint"/)
  })

  it('still rejects bad options on the server', async () => {
    const { createTracker } = await import('../src/entries/index.js')
    expect(() => createTracker({ endpoint: '' })).toThrow(/"endpoint"/)
  })
})

describe('server-side rendering with journeys', () => {
  it('desire-path/journey imports and creates a harmless tracker without a DOM, whatever the definition', async () => {
    const { createTracker } = await import('../src/entries/journey.js')
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'a', entry: { all: [] } }] }
    const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch', journey })
    expect(() => {
      dp.track('E')
      dp.stage('a')
    }).not.toThrow()
    expect(dp.journey()).toBeNull()
    await expect(dp.shutdown()).resolves.toBeUndefined()
    // a definition never throws (journey_invalid, in a browser); options still do
    expect(createTracker({ endpoint: 'https://c.example/v1/batch', journey: { ...journey, stages: [] } }).journey()).toBeNull()
    expect(() => createTracker({ endpoint: 'ftp://c.example/v1/batch', journey })).toThrow(/"endpoint"/)
  })
})

describe('server-side rendering with desire-path/react', () => {
  it('renders on the server with or without a tracker: no stage, no nudge, calls harmless', async () => {
    const { createElement: h } = await import('react')
    const { renderToString } = await import('react-dom/server')
    const { DesirePathProvider, useStage, useNudge, useTracker, useJourney } = await import('../src/entries/react.js')
    const { createTracker } = await import('../src/entries/journey.js')
    function App() {
      const dp = useTracker()
      dp.track('Rendered')
      return h('p', null, `${useStage() ?? 'none'} ${useJourney()?.progress ?? '-'} ${useNudge('banner') ? 'nudge' : 'no nudge'}`)
    }
    expect(renderToString(h(DesirePathProvider, { tracker: null }, h(App)))).toBe('<p>none - no nudge</p>')
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'a', entry: { all: [] } }] }
    const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch', journey })
    expect(renderToString(h(DesirePathProvider, { tracker: dp }, h(App)))).toMatch(/^<p>.* no nudge<\/p>$/)
    await dp.shutdown()
  })
})
