// An app using the ESM build, with a journey. In a real app:
//   import { createTracker } from 'desire-path/journey'
import { createTracker } from '/dist/journey.js'

const log = (line) => (document.getElementById('log').textContent += line + '\n')
const journey = await (await fetch('/examples/journeys/saas-onboarding.json')).json()

const dp = createTracker({
  endpoint: '/v1/batch',
  flushAt: 5,
  journey,
  onError: (e) => log(`error ${e.code}: ${e.message}`),
})
dp.on('sent', ({ count }) => log(`sent ${count} event(s)`))
dp.on('dropped', ({ reason, count }) => log(`dropped ${count} (${reason})`))
dp.on('stage', ({ from, to, skipped }) => log(`stage ${from} → ${to}${skipped ? ` (skipped ${skipped.join(', ')})` : ''}`))

// one page() per route, including the first
const route = () => dp.page({ name: location.hash.slice(2) || 'home' })
addEventListener('hashchange', route)
route()

document.getElementById('login').addEventListener('click', () => {
  dp.identify('user-42', { role: 'admin' })
  dp.track('Signed Up')
})
document.getElementById('create').addEventListener('click', () => {
  dp.track('Workspace Created')
  const { stage, next, signals } = dp.journey()
  log(`journey: ${stage}; next: ${next ? next.label : '—'}; signals: ${signals.map((s) => s.kind).join(', ') || 'none'}`)
})
