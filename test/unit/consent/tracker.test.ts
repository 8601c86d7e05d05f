import { afterEach, describe, expect, it } from 'vitest'
import { consentModeConsent, tcfConsent, type TcData } from '../../../src/entries/consent.js'
import { collector } from '../../helpers/collector.js'
import { tracker, until } from '../../helpers/fixtures.js'

// The hooks on a real tracker (src/entries/index.ts, msw's collector): events wait in memory
// while consent is pending, and go, in order, once the consent manager grants.

const w = window as unknown as { __tcfapi?: unknown; dataLayer?: unknown[] }
const stops: (() => void)[] = []
afterEach(() => {
  stops.splice(0).forEach((s) => s())
  delete w.__tcfapi
  delete w.dataLayer
})

/** tracks three events on a pending tracker and checks that they wait: nothing stored, nothing sent */
async function pendingWithEvents() {
  const c = collector()
  const t = tracker({ consent: 'pending' })
  for (const e of ['Viewed Pricing', 'Started Trial', 'Invited Teammate']) t.dp.track(e)
  await t.dp.flush()
  expect(c.requests).toHaveLength(0)
  expect(await t.dp.inspect()).toMatchObject({ consent: 'pending', storage: 'memory', waiting: 3 })
  return { c, ...t }
}

describe('consent hooks on a real tracker', () => {
  it("tcfConsent: events wait while pending and arrive after the CMP's grant", async () => {
    const { c, dp, errors } = await pendingWithEvents()
    let cmp: ((d: TcData, ok: boolean) => void) | undefined
    w.__tcfapi = (command: string, _v: number, cb: (d: TcData, ok: boolean) => void) => {
      if (command == 'addEventListener') cmp = cb
    }
    stops.push(tcfConsent(dp))
    // the banner is up: still nothing
    cmp!({ eventStatus: 'cmpuishown', gdprApplies: true, listenerId: 1 }, true)
    expect(dp.consent()).toBe('pending')
    cmp!({ eventStatus: 'useractioncomplete', gdprApplies: true, listenerId: 1, purpose: { consents: { 1: true, 8: true, 9: true } } }, true)
    expect(dp.consent()).toBe('granted')
    dp.track('After Consent')
    await until(() => c.accepted.length == 4, 3000, 'the events')
    expect(c.accepted.map((e) => e.event)).toEqual(['Viewed Pricing', 'Started Trial', 'Invited Teammate', 'After Consent'])
    expect(errors).toEqual([])
  })

  it('consentModeConsent: events wait through a default of denied and arrive after the update that grants', async () => {
    const { c, dp, errors } = await pendingWithEvents()
    const gtag = (...a: unknown[]) => void (w.dataLayer ||= []).push(a)
    gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' })
    stops.push(consentModeConsent(dp))
    await dp.flush()
    expect(dp.consent()).toBe('pending')
    expect(c.requests).toHaveLength(0)
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(dp.consent()).toBe('granted')
    await until(() => c.accepted.length == 3, 3000, 'the events')
    expect(c.accepted.map((e) => e.event)).toEqual(['Viewed Pricing', 'Started Trial', 'Invited Teammate'])
    expect(errors).toEqual([])
  })
})
