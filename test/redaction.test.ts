import { describe, expect, it } from 'vitest'
import { HttpResponse } from 'msw'
import { IDBFactory } from 'fake-indexeddb'
import { collector } from './helpers/collector.js'
import { stored, tracker, until } from './helpers/fixtures.js'

// Redaction happens before storage: what is cleaned never reaches IndexedDB, localStorage
// (rescue copies) or the wire. The rules themselves: test/unit/core/redact.test.ts.

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
const SECRETS = ['ann.secret@example.com', JWT, 'Zq8xVb3NmK7pL2wR9tY4uA6sD1fG5hJ0', 'hunter2-pass', 'tok-3f9e', 'sess-77ab']

const at = (url: string) => history.replaceState(null, '', url)

describe('PII redaction before anything is stored', () => {
  it('cleans page URLs (the tracked location and what the host passes to page()), and none of it is stored or sent', async () => {
    // the collector is down: the events wait in IndexedDB, where we look first
    let down = true
    const c = collector(() => (down ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({})))
    const factory = new IDBFactory()
    const was = location.href
    const { dp } = tracker({ indexedDB: factory })
    at(`/users/${encodeURIComponent(SECRETS[0]!)}/settings?password=${SECRETS[3]}&keyword=shoes&utm_source=news#access_token=${SECRETS[4]}`)
    dp.page()
    at(`/callback?code=${SECRETS[5]}&next=${JWT}&q=${SECRETS[2]}&gclid=${SECRETS[2]}`)
    dp.page({ url: `https://shop.example/x?email=${SECRETS[0]}`, referrer: `https://mail.example/?session=${SECRETS[5]}`, name: 'Callback' })
    dp.track('Clicked')
    await until(async () => (await stored(factory)).length == 3)
    const inDb = JSON.stringify(await stored(factory))
    down = false
    await dp.flush()
    await until(() => c.accepted.length == 3)
    const onWire = JSON.stringify(c.requests)
    for (const text of [inDb, onWire]) {
      for (const s of SECRETS.filter((s) => s != SECRETS[2])) expect(text).not.toContain(s)
      expect(text).not.toContain(encodeURIComponent(SECRETS[0]!))
      expect(text).toContain('keyword=shoes') // a word inside a name is not a secret name
      expect(text).toContain('utm_source=news')
    }
    // a random-looking value is masked, unless it is a click id (attribution needs it)
    const [first, second] = c.accepted
    expect(first!.context.page.url).toBe(`${location.origin}/users/redacted/settings?keyword=shoes&utm_source=news`)
    expect(first!.properties!.path).toBe('/users/redacted/settings')
    expect(second!.context.page.url).toBe(`${location.origin}/callback?next=redacted&q=redacted&gclid=${SECRETS[2]}`)
    expect(second!.properties).toMatchObject({ url: 'https://shop.example/x', referrer: 'https://mail.example/', name: 'Callback' })
    at(was)
  })

  it('strict mode keeps only the allowed parameters (and campaigns)', async () => {
    const c = collector()
    const was = location.href
    at('/search?q=boots&size=42&utm_medium=cpc&fbclid=abc')
    const { dp } = tracker({ queryParams: { allow: ['q'] } })
    dp.page()
    await dp.flush()
    await until(() => c.accepted.length == 1)
    expect(c.accepted[0]!.properties!.search).toBe('?q=boots&utm_medium=cpc&fbclid=abc')
    at(was)
  })

  it('runs the redact() hook on every event before storage: it may change an event or drop it', async () => {
    const c = collector()
    const { dp, codes } = tracker({
      redact: (e) => {
        if (e.event == 'Secret') return null
        if (e.event == 'Broken') throw new Error('oops')
        const { card, ...rest } = e.properties ?? {}
        void card
        return { ...e, properties: { ...rest, checked: true } }
      },
    })
    dp.track('Paid', { card: '4111 1111 1111 1111', plan: 'pro' })
    dp.track('Secret', { ssn: '078-05-1120' })
    dp.track('Broken', { x: 1 })
    await dp.flush()
    await until(() => c.accepted.length == 1)
    expect(c.accepted[0]!.properties).toEqual({ plan: 'pro', checked: true })
    const ins = await dp.inspect()
    expect(ins.dropped.redacted).toBe(2)
    // a hook that throws: the event is not stored unchecked, and the host hears of it
    expect(codes()).toContain('internal')
    expect(JSON.stringify(c.requests)).not.toContain('078-05-1120')
  })
})
