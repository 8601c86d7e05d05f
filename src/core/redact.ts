// What may leave the page in a URL. Parameters with a secret's name go, whole-name match
// (`key`, not `keyword`; `session`, not `sessionStorage_demo`... see SECRET); values that
// look like an e-mail address, a JWT or a long random token are masked whatever their name,
// in the query, the fragment and the path. Campaign parameters (UTM, click ids) always stay:
// a gclid looks like a random token, and attribution needs it.

/** Always kept: campaign parameters (UTM) and ad click ids. */
export const CAMPAIGN = /^(utm_\w+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|ttclid|twclid|li_fat_id|yclid)$/
const SECRET =
  /^((access|refresh|id|auth|api|client|csrf|xsrf|reset|session|bearer)_?)?(token|key|secret|password|passwd|pwd|pass|auth|authorization|code|session|sessionid|session_id|sid|otp|email|e_?mail|mail|phone|ssn|signature|sig|jwt|credentials?)$/
const EMAIL = /[^\s@/?#&=:]@[^\s@/?#&=]+\.[a-z]{2,}/i
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\./
/** A long run of base64url letters mixing case and digits, or of hex digits: a token, not a slug or a UUID. */
const looksRandom = (v: string) => /^[\w-]{24,}$/.test(v) && ((/\d/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v)) || /^[\da-f]{32,}$/i.test(v))

const decode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}
const secretValue = (v: string) => {
  v = decode(v)
  return EMAIL.test(v) || JWT.test(v) || looksRandom(v)
}

/** A path (or a fragment that is one) with every segment that looks secret masked. */
export const cleanPath = (path: string): string =>
  path
    .split('/')
    .map((s) => (secretValue(s) ? 'redacted' : s))
    .join('/')

/** A query string (no `?`): secret names gone, secret values masked; with `allow`, only those names (and campaigns) stay. */
const cleanQuery = (q: string, allow?: string[]) =>
  q
    .split('&')
    .flatMap((p) => {
      const [raw = '', value] = p.split(/=(.*)/s)
      const n = decode(raw).toLowerCase().replace(/-/g, '_')
      if (!CAMPAIGN.test(n) && (SECRET.test(n) || (allow && !allow.includes(n)))) return []
      return value == null || CAMPAIGN.test(raw.toLowerCase()) || !secretValue(value) ? p : raw + '=redacted'
    })
    .join('&')

/**
 * A URL, absolute or relative, or a bare `?query`, safe to store: credentials in its
 * authority dropped, its path, query and fragment cleaned (a fragment with `=` is read as
 * a route and a query: `#/route?a=1` or `#access_token=…`).
 */
export function cleanUrl(url: string, allow?: string[]): string {
  /** a query cleaned, after `pre` unless nothing is left; '' when there is none */
  const part = (q: string | undefined, pre: string) => (q == null ? '' : (q = cleanQuery(q, allow)) && pre + q)
  const [, origin = '', path, query, frag = ''] = /^([a-z][\w+.-]*:\/\/[^/?#]*)?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/is.exec(url)!
  let f = ''
  if (frag) {
    const [route = '', fq] = frag.includes('=') && !frag.includes('?') ? ['', frag] : frag.split(/\?(.*)/s)
    f = '#' + cleanPath(route) + part(fq, route && '?')
  }
  return origin.replace(/\/\/[^@/]*@/, '//') + cleanPath(path!) + part(query, '?') + (f.length > 1 ? f : '')
}
