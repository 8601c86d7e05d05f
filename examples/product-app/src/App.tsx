import { useEffect, useState } from 'react'
import type { JourneyDefinition } from 'desire-path/journey'
import { useJourney, useStage, useTracker } from 'desire-path/react'
import { SCREENS, type Action, type Screen } from './screens.js'
import { Tip } from './Tip.js'

const route = () => location.hash.replace(/^#\/?/, '')

/** The hash route, following back/forward and links. */
function useRoute(): string {
  const [r, setR] = useState(route)
  useEffect(() => {
    const on = () => setR(route())
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return r
}

export function App({ journey }: { journey: JourneyDefinition | undefined }) {
  const r = useRoute()
  const dp = useTracker()
  const [user, setUser] = useState(() => localStorage.getItem('acme:user'))
  const screen = SCREENS.find((s) => s.route == r) || (user ? SCREENS[0]! : undefined)
  const name = screen ? screen.name : 'Sign Up'
  // one named page view per screen: the journey's rules and the learner see "Setup", not a URL
  useEffect(() => dp.page({ name }), [dp, name])
  const signUp = () => {
    // an opaque id, never an email: ids end up in every event
    const id = 'u_' + crypto.randomUUID().slice(0, 8)
    localStorage.setItem('acme:user', id)
    setUser(id)
    dp.identify(id, { plan: 'trial', company_size: '11-50' })
    dp.track('Signed Up', { method: 'email' })
    location.hash = '#/setup'
  }
  const newVisitor = () => {
    localStorage.removeItem('acme:user')
    dp.reset()
    setUser(null)
    location.hash = ''
  }
  const devtools = () => void import('desire-path/devtools').then(({ attachDevtools }) => attachDevtools(dp))
  return (
    <>
      <header>
        <strong className="logo">Acme Insights</strong>
        {user && (
          <nav>
            {SCREENS.map((s) => (
              <a key={s.route} href={'#/' + s.route} aria-current={s == screen ? 'page' : undefined}>
                {s.name}
              </a>
            ))}
          </nav>
        )}
        <span className="tools">
          <button type="button" id="devtools" onClick={devtools}>
            Devtools
          </button>
          <button type="button" id="new-visitor" className="quiet" onClick={newVisitor}>
            New visitor
          </button>
        </span>
      </header>
      <Progress journey={journey} />
      <main>{screen && user ? <ScreenView screen={screen} /> : <SignUp onSignUp={signUp} />}</main>
      <Tip />
    </>
  )
}

/** The journey as the customer walks it: the six stages, this one marked, the next step on the path. */
function Progress({ journey }: { journey: JourneyDefinition | undefined }) {
  const stage = useStage()
  const j = useJourney()
  if (!journey) return <p className="progress">No journey definition loaded.</p>
  const at = journey.stages.findIndex((s) => s.id == stage)
  return (
    <section className="progress" aria-label="Your journey">
      <ol>
        {journey.stages.map((s, i) => (
          <li key={s.id} className={i < at ? 'past' : i == at ? 'here' : ''} aria-current={i == at ? 'step' : undefined}>
            {s.name || s.id}
          </li>
        ))}
      </ol>
      <p id="next">
        {!j?.stage
          ? 'Your journey starts with your first visit.'
          : journey.stages[at]?.path?.steps.length
            ? <>Path progress {Math.round(j.progress * 100)}%{j.next ? <> · next: {j.next.label}</> : null}</>
            : 'No recommended path in this stage yet: `npm run demo -- --simulate 2000` learns one.'}
      </p>
    </section>
  )
}

function SignUp({ onSignUp }: { onSignUp: () => void }) {
  return (
    <section>
      <h1>Start your free trial</h1>
      <p>Dashboards your whole team reads. No credit card.</p>
      <button type="button" id="signup" className="primary" onClick={onSignUp}>
        Sign up
      </button>
      <p className="hint">
        Came from the <a href="/examples/marketing-site/index.html">marketing site</a>? Your visits there join this history when you sign up.
      </p>
    </section>
  )
}

function ScreenView({ screen }: { screen: Screen }) {
  return (
    <section>
      <h1>{screen.title}</h1>
      <p>{screen.intro}</p>
      <div className="actions">
        {screen.actions.map((a) => (
          <ActionButton key={a.event} action={a} />
        ))}
      </div>
    </section>
  )
}

function ActionButton({ action }: { action: Action }) {
  const dp = useTracker()
  const key = 'acme:done:' + action.event
  const [done, setDone] = useState(() => !!localStorage.getItem(key))
  const press = () => {
    dp.track(action.event, action.properties)
    if (action.once) localStorage.setItem(key, '1')
    setDone(true)
  }
  return (
    <button type="button" data-event={action.event} disabled={action.once && done} onClick={press}>
      {action.label}
      {done ? ' ✓' : ''}
    </button>
  )
}
