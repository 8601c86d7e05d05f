// An app using the ESM build. In a real app: import { createTracker } from 'desire-path'
import { createTracker } from '/dist/index.js'

const log = (line) => (document.getElementById('log').textContent += line + '\n')

const dp = createTracker({
  endpoint: '/v1/batch',
  flushAt: 5,
  onError: (e) => log(`error ${e.code}: ${e.message}`),
})
dp.on('sent', ({ count }) => log(`sent ${count} event(s)`))
dp.on('dropped', ({ reason, count }) => log(`dropped ${count} (${reason})`))

// one page() per route, including the first
const route = () => dp.page({ name: location.hash.slice(2) || 'home' })
addEventListener('hashchange', route)
route()

document.getElementById('login').addEventListener('click', () => dp.identify('user-42', { role: 'admin' }))
document.getElementById('create').addEventListener('click', () => dp.track('Project Created', { plan: 'pro' }))
