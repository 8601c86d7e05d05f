// An app using the ESM build, with a journey and nudges. In a real app:
//   import { createTracker } from 'desire-path/journey'
//   import { renderNudges } from 'desire-path/nudges'
import { createTracker } from '/dist/journey.js'
import { renderNudges } from '/dist/nudges.js'

const log = (line) => (document.getElementById('log').textContent += line + '\n')
const journey = await (await fetch('/examples/journeys/saas-onboarding.json')).json()
// Nudges live in the definition too (here added to the shared example journey).
journey.nudges = [
  {
    id: 'welcome',
    stage: 'signup',
    trigger: { rule: { all: [] } },
    slot: 'popover',
    dismiss: { snooze: 'PT1M' },
    content: { title: 'Welcome!', body: 'Create a workspace to get started.', cta: { id: 'create', label: 'Create one' } },
  },
  {
    id: 'setup-help',
    stage: 'setup',
    trigger: { rule: { event: { name: 'Workspace Created' } } },
    slot: 'modal',
    experiment: { control: 20 },
    goal: { rule: { stepDone: 'profile' }, within: 'P1D' },
    content: { title: 'Next: your profile', body: 'Customers who complete their profile first get set up twice as fast.' },
  },
]
journey.policy = { minGap: 'PT5S', caps: [{ scope: 'all', max: 5, per: 'P1D' }] }

const dp = createTracker({
  endpoint: '/v1/batch',
  flushAt: 5,
  journey,
  onError: (e) => log(`error ${e.code}: ${e.message}`),
})
dp.on('sent', ({ count }) => log(`sent ${count} event(s)`))
dp.on('dropped', ({ reason, count }) => log(`dropped ${count} (${reason})`))
dp.on('stage', ({ from, to, skipped }) => log(`stage ${from} → ${to}${skipped ? ` (skipped ${skipped.join(', ')})` : ''}`))
dp.on('nudge', ({ nudge, arm, explanation }) => log(`nudge ${nudge.id} (${arm}): ${explanation}`))
// the default renderer (shadow root, text only, strict-CSP safe); a host may render its own instead
renderNudges(dp, { theme: { '--dp-accent': '#0a7' } })

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
  for (const n of dp.journey().nudges) log(`  nudge ${n.id}: ${n.showing ? 'showing' : n.reason || (n.eligible ? 'eligible' : 'not eligible')}`)
})
