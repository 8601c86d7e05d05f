// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'

describe('desire-path/consent without a DOM (server rendering)', () => {
  it('imports, does nothing and returns stops that do nothing', async () => {
    expect(typeof window).toBe('undefined')
    const { tcfConsent, consentModeConsent } = await import('../../../src/entries/consent.js')
    const consent = vi.fn()
    const warn = vi.spyOn(console, 'warn')
    for (const hook of [tcfConsent, consentModeConsent]) {
      let stop!: () => void
      expect(() => (stop = hook({ consent }))).not.toThrow()
      expect(() => stop()).not.toThrow()
    }
    expect(consent).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    expect('dataLayer' in globalThis).toBe(false)
  })
})
