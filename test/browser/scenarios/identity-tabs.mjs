// Tabs agree on the identity: three pages of a fresh profile load at the same moment, each
// may create an anonymousId (localStorage has no cross-tab transaction), and the storage
// event must make every tab take the one stored — within a second. Then an identify in one
// tab is adopted by the others (their next events carry the userId), and a reset in one
// gives all of them the new anonymousId. 10 rounds, each in a fresh browser profile.
import { waitFor } from './helpers.mjs'

const ROUNDS = 10

export default async function identityTabs(env) {
  const c = await env.collector()
  const failures = []
  let raced = 0
  let slowest = 0
  for (let round = 0; round < ROUNDS; round++) {
    const { context } = await env.launch()
    const url = `${c.origin}/test/browser/pages/sdk.html?o=${encodeURIComponent(JSON.stringify({ endpoint: c.endpoint, storageKey: 'id' + round }))}`
    const pages = await Promise.all([0, 1, 2].map(() => context.newPage()))
    await Promise.all(pages.map((p) => p.goto(url)))
    const ids = () => Promise.all(pages.map((p) => p.evaluate(() => [window.dp.anonymousId, window.dp.userId ?? null, JSON.parse(localStorage.getItem(window.__key) || 'null')])))
    for (const p of pages) await p.evaluate((k) => (window.__key = k), 'id' + round + ':user')
    const first = await ids()
    if (new Set(first.map((x) => x[0])).size > 1) raced++
    const t0 = Date.now()
    const agree = (want) => async () => {
      const now = await ids()
      return now.every(([a, u, stored]) => stored && a === stored.a && u === (stored.u ?? null) && want(a, u))
    }
    if (!(await waitFor(agree(() => true), { timeout: 1_000, interval: 10 }))) failures.push(`round ${round}: tabs disagree after load: ${JSON.stringify(await ids())}`)
    slowest = Math.max(slowest, Date.now() - t0)
    // an identify in tab 0, then a reset in tab 1: the others follow
    await pages[0].evaluate(() => window.dp.identify('user-' + Math.random().toString(36).slice(2)))
    if (!(await waitFor(agree((a, u) => !!u), { timeout: 1_000, interval: 10 }))) failures.push(`round ${round}: identify not adopted: ${JSON.stringify(await ids())}`)
    const before = (await ids())[0][0]
    await pages[1].evaluate(() => window.dp.reset())
    if (!(await waitFor(agree((a, u) => a !== before && !u), { timeout: 1_000, interval: 10 }))) failures.push(`round ${round}: reset not adopted: ${JSON.stringify(await ids())}`)
    await context.close()
  }
  return {
    name: 'identity in three tabs',
    ok: !failures.length,
    details: {
      summary: `${ROUNDS - new Set(failures.map((f) => f.split(':')[0])).size}/${ROUNDS} rounds ok; ${raced} load race(s) where tabs first made different anonymousIds, all settled (slowest ${slowest} ms); identify and reset adopted by the other tabs`,
      failures,
    },
  }
}
