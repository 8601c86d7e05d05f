import 'fake-indexeddb/auto'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { server } from './helpers/collector.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  globalThis.localStorage?.clear()
})
afterAll(() => server.close())
