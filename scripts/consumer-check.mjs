#!/usr/bin/env node
// What an integrator meets: packs the built package as npm would publish it, installs the
// tarball into a scratch TypeScript project and compiles the README's examples under the
// strictest settings and three module resolutions; then imports every entry in Node, runs
// the installed `desire-path` bin and checks that the shipped source maps carry their
// sources. Run after `npm run build`. Fails with what went wrong.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const tsc = join(root, 'node_modules/typescript/bin/tsc')
const dir = mkdtempSync(join(tmpdir(), 'dp-consumer-'))
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', ...opts })
let failed = 0
const step = (name, fn) => {
  try {
    const note = fn()
    console.log(`consumer: ok   ${name}${note ? ' — ' + note : ''}`)
  } catch (e) {
    failed++
    console.error(`consumer: FAIL ${name}\n${e.stdout || ''}${e.stderr || ''}${e.stdout || e.stderr ? '' : e.message}`)
  }
}

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('consumer: no dist/ — run npm run build first')
  process.exit(1)
}
// --ignore-scripts: the build is there already (prepack would rebuild it)
const tarball = join(dir, run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root }).trim().split('\n').pop())
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
step('npm install of the tarball', () => {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball])
  const files = run('tar', ['tzf', tarball]).split('\n').filter(Boolean)
  return files.length + ' files in the tarball'
})
copyFileSync(join(root, 'examples/journeys/saas-onboarding.json'), join(dir, 'journey.json'))

// The README's examples, as a TypeScript user writes them.
const example = (jsonImport) => `
import { createTracker, isDesirePathError, type DesirePathError, type TrackerOptions } from 'desire-path'
import { createTracker as createJourneyTracker, type JourneySnapshot, type StageChange } from 'desire-path/journey'
import { validateDefinition } from 'desire-path/journey/validate'
import { renderNudges } from 'desire-path/nudges'
import { attachDevtools, type DevtoolsOptions } from 'desire-path/devtools'
import { captureVitals } from 'desire-path/vitals'
import { consentModeConsent, tcfConsent } from 'desire-path/consent'
import type { ConsentState, Inspection } from 'desire-path'
import { learn, type LearnResult, type NudgeUplift } from 'desire-path/learn'
${jsonImport}

declare const env: { WRITE_KEY: string | undefined }
const options: TrackerOptions = {
  endpoint: 'https://collector.example.com/v1/batch',
  writeKey: env.WRITE_KEY, // string | undefined, under exactOptionalPropertyTypes
  sendBeacon: null, // "not available", as documented
  fetch: null,
  onError: (e: DesirePathError) => console.debug(e.code, isDesirePathError(e)),
}
const dp = createTracker(options)
dp.page()
dp.identify('user-42', { role: 'admin' })
dp.track('Project Created', { plan: 'pro' })
dp.on('error', (e) => console.debug(e.code, e.message))

const jp = createJourneyTracker({ endpoint: '/v1/batch', journey })
jp.on('stage', ({ from, to, cause, skipped }: StageChange) => console.log(from, to, cause, skipped))
jp.on('nudge', (n) => {
  n.shown()
  n.dismissed({ snooze: 'P1D' })
})
jp.track('Project Created')
await jp.settled()
const snap: JourneySnapshot | null = jp.journey()
console.log(snap?.stage, snap?.next?.label, snap?.nudges?.[0]?.reason)
jp.stage('onboarding')
const detach: () => void = renderNudges(jp, { theme: { '--dp-accent': '#0a7' } })
detach()
console.log(validateDefinition(journey).id)
const inspection: Inspection = await jp.inspect()
console.log(inspection.waiting, inspection.storage, inspection.lastError?.code)
const devtools: DevtoolsOptions = { open: false, storage: null }
attachDevtools(jp, devtools)()
attachDevtools(dp)()
const stopVitals: () => void = captureVitals(jp, { metrics: ['INP', 'LCP'] })
stopVitals()
const careful = createTracker({
  endpoint: '/v1/batch',
  consent: 'pending',
  respectGPC: true,
  sessionTimeout: 60_000,
  sessionMidnight: true,
  pageviews: 'history',
  queryParams: { allow: ['q'] },
  redact: (e) => (e.event == 'Debug' ? null : e),
})
const stops: (() => void)[] = [tcfConsent(careful, { purposes: [1, 8, 9, 10] }), consentModeConsent(careful)]
stops.forEach((stop) => stop())
const state: ConsentState = careful.consent('granted')
console.log(state, (await careful.inspect()).consent)
await dp.flush()
await dp.shutdown()
// the learner (Node): types only here, run by the bin step below
const learned: () => Promise<LearnResult> = () => learn(['exports/'], journey, { horizon: 'P14D', workers: 2, learnFrom: 'holdout' })
const uplifts = (r: LearnResult): [string, NudgeUplift][] => Object.entries(r.uplift)
console.log(typeof learned, uplifts)
`
const strict = { strict: true, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true, noEmit: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022', 'DOM'], resolveJsonModule: true, types: [] }
const configs = {
  bundler: [{ module: 'ESNext', moduleResolution: 'bundler' }, "import journey from './journey.json'"],
  nodenext: [{ module: 'NodeNext', moduleResolution: 'nodenext' }, "import journey from './journey.json' with { type: 'json' }"],
  // verbatimModuleSyntax needs ESM output; node10 resolves the subpaths through typesVersions
  node10: [{ module: 'ESNext', moduleResolution: 'node10', allowSyntheticDefaultImports: true }, "import journey from './journey.json'"],
}
for (const [name, [opts, jsonImport]] of Object.entries(configs)) {
  writeFileSync(join(dir, `example-${name}.ts`), example(jsonImport))
  writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: { ...strict, ...opts }, files: [`example-${name}.ts`] }))
  step(`tsc, moduleResolution ${name} (strict, exactOptionalPropertyTypes, verbatimModuleSyntax)`, () => run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`]))
}

// desire-path/react, as a React user writes it (React is an optional peer: installed here)
step('desire-path/react: tsc on a TSX app (strict), and a server render in Node', () => {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'react@19', 'react-dom@19', '@types/react@19', '@types/react-dom@19'])
  writeFileSync(
    join(dir, 'app.tsx'),
    `import { createTracker } from 'desire-path/journey'
import { DesirePathProvider, useJourney, useNudge, useStage, useTracker, type DesirePathProviderProps } from 'desire-path/react'
import journey from './journey.json'
const dp = typeof window == 'object' ? createTracker({ endpoint: '/v1/batch', journey }) : null
function Tip() {
  const n = useNudge('popover')
  const stage: string | null = useStage()
  const next = useJourney()?.next?.label
  const t = useTracker()
  if (!n) return <p onClick={() => t.track('Clicked')}>{stage} {next}</p>
  return <aside>{String(n.explanation)}<button onClick={() => n.dismissed({ snooze: 'P1D' })}>x</button></aside>
}
const props: DesirePathProviderProps = { tracker: dp }
export const App = () => <DesirePathProvider {...props}><Tip /></DesirePathProvider>
`,
  )
  writeFileSync(join(dir, 'tsconfig.react.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'bundler', jsx: 'react-jsx', types: [] }, files: ['app.tsx'] }))
  run(process.execPath, [tsc, '-p', 'tsconfig.react.json'])
  const code = `
    const { createElement: h } = await import('react')
    const { renderToString } = await import('react-dom/server')
    const r = await import('desire-path/react')
    function A() { r.useTracker().track('x'); return h('p', null, String(r.useStage())) }
    const html = renderToString(h(r.DesirePathProvider, { tracker: null }, h(A)))
    if (html != '<p>null</p>') throw new Error('server render: ' + html)`
  run(process.execPath, ['--input-type=module', '-e', code])
  return 'strict TSX, and renderToString with no tracker'
})
step('every entry imports in Node (no DOM: an inert tracker)', () => {
  const code = `
    const { createTracker } = await import('desire-path')
    const j = await import('desire-path/journey')
    const v = await import('desire-path/journey/validate')
    await import('desire-path/nudges')
    const d = await import('desire-path/devtools')
    const vitals = await import('desire-path/vitals')
    if (vitals.captureVitals({})() !== undefined) throw new Error('desire-path/vitals')
    const consent = await import('desire-path/consent')
    consent.tcfConsent({})()
    consent.consentModeConsent({})()
    if (typeof d.attachDevtools != 'function' || d.attachDevtools({}) () !== undefined) throw new Error('desire-path/devtools')
    const dp = createTracker({ endpoint: '/v1/batch' })
    dp.track('x')
    if (typeof j.createTracker != 'function' || typeof v.validateDefinition != 'function') throw new Error('missing exports')
    if ('validateDefinition' in j) throw new Error('desire-path/journey ships the full validator')
    const l = await import('desire-path/learn')
    if (typeof l.learn != 'function' || typeof l.fromPartials != 'function') throw new Error('desire-path/learn')`
  run(process.execPath, ['--input-type=module', '-e', code])
})
step('the installed bin: npx desire-path validate', () => {
  const out = run('npx', ['--no-install', 'desire-path', 'validate', 'journey.json'])
  if (!/ok/.test(out)) throw new Error('unexpected output: ' + out)
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ id: 'x', version: 'one', stages: [] }))
  try {
    run('npx', ['--no-install', 'desire-path', 'validate', 'bad.json'])
  } catch (e) {
    if (e.status == 1 && /version/.test(e.stdout + e.stderr)) return 'exit 1 on a broken definition'
    throw e
  }
  throw new Error('a broken definition passed')
})
step('the installed bin: npx desire-path learn (with worker threads) and uplift', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z')
  const lines = []
  for (let i = 0; i < 60; i++) {
    const m = (event, h) => ({ type: 'track', event, anonymousId: 'a' + i, messageId: `m${i}-${h}`, timestamp: new Date(t0 + (i + h) * 36e5).toISOString() })
    const batch = [m('Home Viewed', 0), m('Signed Up', 1), ...(i % 2 ? [] : [m('Workspace Created', 2), m('Workspace Created', 3), m('Workspace Deleted', 4)])]
    lines.push(JSON.stringify({ batch }))
  }
  writeFileSync(join(dir, 'events.ndjson'), lines.join('\n') + '\n')
  const out = run('npx', ['--no-install', 'desire-path', 'learn', 'events.ndjson', '--journey', 'journey.json', '--out', 'learned.json', '--workers', '2', '--min-support', '5'])
  if (!/wrote learned\.json/.test(out)) throw new Error('unexpected output: ' + out)
  if (!/ok/.test(run('npx', ['--no-install', 'desire-path', 'validate', 'learned.json']))) throw new Error('learned.json does not validate')
  run('npx', ['--no-install', 'desire-path', 'uplift', 'events.ndjson', '--journey', 'learned.json'])
  return out.split('\n')[0]
})
step('source maps carry their sources (src/ is not shipped)', () => {
  for (const f of ['index.js.map', 'journey.js.map', 'desire-path.iife.js.map']) {
    const map = JSON.parse(readFileSync(join(dir, 'node_modules/desire-path/dist', f), 'utf8'))
    const missing = map.sources.filter((_, i) => typeof map.sourcesContent?.[i] != 'string')
    if (missing.length) throw new Error(`${f}: no content for ${missing.slice(0, 3).join(', ')}`)
  }
})

rmSync(dir, { recursive: true, force: true })
if (failed) process.exit(1)
console.log('consumer: all checks passed')
