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
    .filter((p) => {
      const n = decode(p.split('=')[0]!).toLowerCase().replace(/-/g, '_')
      return CAMPAIGN.test(n) || (!SECRET.test(n) && (!allow || allow.includes(n)))
    })
    .map((p) => {
      const i = p.indexOf('=')
      return i < 0 || CAMPAIGN.test(p.slice(0, i).toLowerCase()) || !secretValue(p.slice(i + 1)) ? p : p.slice(0, i + 1) + 'redacted'
    })
    .join('&')

/** `?query`, or '' when nothing is left. */
const search = (q: string, allow?: string[]) => {
  const kept = cleanQuery(q, allow)
  return kept && '?' + kept
}

/**
 * A URL, absolute or relative, or a bare `?query`, safe to store: credentials in its
 * authority dropped, its path, query and fragment cleaned (a fragment with `=` is read as
 * a route and a query: `#/route?a=1` or `#access_token=…`).
 */
export function cleanUrl(url: string, allow?: string[]): string {
  const [, origin = '', rest = ''] = /^([a-z][\w+.-]*:\/\/[^/?#]*)?(.*)$/is.exec(url)!
  const h = rest.indexOf('#')
  const [path = '', query] = (h < 0 ? rest : rest.slice(0, h)).split(/\?(.*)/s)
  let frag = h < 0 ? '' : rest.slice(h + 1)
  if (frag) {
    const [route = '', fq] = frag.includes('=') && !frag.includes('?') ? ['', frag] : frag.split(/\?(.*)/s)
    frag = cleanPath(route) + (fq == null ? '' : route ? search(fq, allow) : cleanQuery(fq, allow))
  }
  return origin.replace(/\/\/[^@/]*@/, '//') + cleanPath(path) + (query == null ? '' : search(query, allow)) + (frag && '#' + frag)
}
