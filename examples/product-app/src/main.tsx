// Acme Insights, the demo's product app: a React SPA on the npm package.
import { createRoot } from 'react-dom/client'
import { createTracker, type JourneyDefinition } from 'desire-path/journey'
import { renderNudges } from 'desire-path/nudges'
import { DesirePathProvider } from 'desire-path/react'
import { App } from './App.js'

async function start() {
  // the journey the demo serves: the learned definition once `--simulate` has run, else the hand-written one
  const journey = (await fetch('/journey.json').then(
    (r) => (r.ok ? r.json() : undefined),
    () => undefined,
  )) as JourneyDefinition | undefined
  const dp = createTracker({
    endpoint: '/v1/batch',
    journey,
    flushAt: 10,
    flushInterval: 1000,
    onError: (e) => console.info('desire-path:', e.code, e.message),
  })
  // the default renderer shows the banners and modals; the popover is the app's own component (Tip)
  renderNudges(dp, { slots: ['banner', 'modal', 'tooltip', 'inline'], theme: { '--dp-accent': '#6d28d9' } })
  createRoot(document.getElementById('root')!).render(
    <DesirePathProvider tracker={dp}>
      <App journey={journey} />
    </DesirePathProvider>,
  )
}
void start()
