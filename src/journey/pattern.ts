/**
 * Page path patterns, URLPattern-style but tiny and regex-free: `/projects/:id` (one
 * segment), `/docs/*` (the rest, any depth), `*` alone (any path). Trailing slashes
 * are ignored. Matching is on the path only (no query or fragment).
 */
export function matchPath(pattern: string, path: string): boolean {
  const p = split(pattern)
  const s = split(path)
  for (let i = 0; i < p.length; i++) {
    if (p[i] == '*') return true
    if (i >= s.length || (p[i]![0] != ':' && p[i] != s[i])) return false
  }
  return p.length == s.length
}

const split = (path: string) => path.split(/[?#]/)[0]!.split('/').filter(Boolean)

/**
 * Whether a pattern is well formed (for validation): starts with `/` or is `*`; `*` only as
 * the whole last segment; no bare `:`. `?` and `#` are refused: matching ignores the query
 * and fragment, so `/search?q=x` would silently match every `/search`. A `*` inside a
 * segment (`/docs*`) is refused too: it would be compared literally, not as a wildcard.
 */
export const validPattern = (p: unknown): boolean =>
  typeof p == 'string' &&
  (p == '*' || (p[0] == '/' && !/[?#]/.test(p) && !split(p).some((seg, i, all) => seg == ':' || (seg.includes('*') && (seg != '*' || i != all.length - 1)))))
