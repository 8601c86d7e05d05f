// One subject per customer: anonymousIds and userIds linked by any message that carries
// both (or an alias) are one customer. Union-find over the ids, path-halving; the root of
// a set is its smallest id, so the subject's name does not depend on the order of links.

export interface Identities {
  link(a: string, b: string): void
  /** the subject an id belongs to (itself if it was never linked) */
  root(id: string): string
  /** every linked id → its subject (ids that are their own subject left out) */
  roots(): Map<string, string>
}

export function identities(): Identities {
  const parent = new Map<string, string>()
  /** the root of x's set, halving the path on the way */
  const find = (x: string): string => {
    let p = parent.get(x)
    while (p != null && p != x) {
      const g = parent.get(p)!
      parent.set(x, g)
      x = g
      p = parent.get(x)
    }
    return x
  }
  return {
    link(a, b) {
      if (!parent.has(a)) parent.set(a, a)
      if (!parent.has(b)) parent.set(b, b)
      const ra = find(a)
      const rb = find(b)
      if (ra == rb) return
      if (ra < rb) parent.set(rb, ra)
      else parent.set(ra, rb)
    },
    root: find,
    roots() {
      const out = new Map<string, string>()
      for (const id of parent.keys()) {
        const r = find(id)
        if (r != id) out.set(id, r)
      }
      return out
    },
  }
}
