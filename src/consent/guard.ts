/**
 * A guard for one hook's calls into a consent manager and the tracker: what throws is
 * caught and warned about once per hook (`name` says which), never thrown to the page.
 */
export function guarded(name: string): (fn: () => void) => void {
  let warned = false
  return (fn) => {
    try {
      fn()
    } catch (e) {
      if (!warned) console.warn(`[desire-path] ${name}: ` + e)
      warned = true
    }
  }
}
