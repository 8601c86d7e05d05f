import { describe, expect, it } from 'vitest'
import { cleanPath, cleanUrl } from '../../../src/core/redact.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
const TOKEN = 'k3JvQ9zXw2LmN8pR4sT6uV1yA5bC7dE'

describe('cleanUrl: what may leave the page in a URL', () => {
  it('keeps parameters whose names only contain a secret word (keyword, sidebar, author, country_code)', () => {
    const u = 'https://shop.example/search?keyword=shoes&sidebar=open&author=ann&country_code=FR&monkey=1&passage=2'
    expect(cleanUrl(u)).toBe(u)
  })
  it('removes parameters with a secret name, whole-name and case-insensitive', () => {
    expect(cleanUrl('https://a.example/p?token=abc&Access_Token=x&api-key=k&q=1&password=hunter2&code=42&session=s&email=a&key=v&sid=1'))
      .toBe('https://a.example/p?q=1')
    expect(cleanUrl('/reset?reset_token=abc')).toBe('/reset')
  })
  it('removes every secret name the README lists', () => {
    const names = 'token access_token refresh_token id_token auth auth_token authorization password passwd pwd pass secret client_secret key api_key apikey api-key session session_id sessionid sid code otp email mail e-mail phone ssn signature sig jwt credentials csrf_token reset_token'.split(' ')
    for (const n of names) expect(cleanUrl(`/p?${n}=v&ok=1`), n).toBe('/p?ok=1')
    for (const n of ['keyword', 'sidebar', 'author', 'country_code', 'monkey', 'passage', 'codex', 'tokenizer']) expect(cleanUrl(`/p?${n}=v`), n).toBe(`/p?${n}=v`)
  })

  it('masks values that look like an e-mail address, a JWT or a long random token, whatever their name', () => {
    expect(cleanUrl(`https://a.example/p?who=bob%40example.com&t=${JWT}&x=${TOKEN}&ok=hello`)).toBe('https://a.example/p?who=redacted&t=redacted&x=redacted&ok=hello')
    expect(cleanUrl('https://a.example/p?h=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe('https://a.example/p?h=redacted')
  })
  it('does not take slugs or UUIDs for tokens', () => {
    const u = 'https://a.example/blog/how-we-built-our-journey-engine-2026/123e4567-e89b-12d3-a456-426614174000?page=2'
    expect(cleanUrl(u)).toBe(u)
  })
  it('masks secret path segments', () => {
    expect(cleanUrl('https://a.example/users/bob@example.com/settings')).toBe('https://a.example/users/redacted/settings')
    expect(cleanPath(`/verify/${TOKEN}`)).toBe('/verify/redacted')
  })
  it('cleans the fragment: OAuth implicit-flow parameters, hash routes with a query', () => {
    expect(cleanUrl(`https://a.example/cb#access_token=${TOKEN}&state=xyz&expires_in=3600`)).toBe('https://a.example/cb#state=xyz&expires_in=3600')
    expect(cleanUrl('https://a.example/#/invite?email=a%40b.co&team=7')).toBe('https://a.example/#/invite?team=7')
    expect(cleanUrl('https://a.example/#token=x')).toBe('https://a.example/')
    expect(cleanUrl('https://a.example/#pricing')).toBe('https://a.example/#pricing')
  })
  it('always keeps UTM parameters and click ids, even when they look random', () => {
    const u = `https://a.example/?utm_source=news&utm_campaign=spring&gclid=${TOKEN}&fbclid=${TOKEN}`
    expect(cleanUrl(u)).toBe(u)
  })
  it('drops credentials in the authority', () => {
    expect(cleanUrl('https://bob:hunter2@a.example/x')).toBe('https://a.example/x')
  })
  it('in strict mode keeps only allowed names (and campaigns)', () => {
    expect(cleanUrl('https://a.example/s?q=shoes&color=red&utm_medium=cpc&ref=x', ['q'])).toBe('https://a.example/s?q=shoes&utm_medium=cpc')
  })
  it('takes a bare query string', () => {
    expect(cleanUrl('?a=1&password=x')).toBe('?a=1')
    expect(cleanUrl('?password=x')).toBe('')
  })
})
