// DOM building for the overlay: elements and text only, never HTML strings (a page with
// `require-trusted-types-for 'script'` refuses those), never an inline style attribute.

/** `fn()`, or undefined if it throws: the overlay never throws into the host page. */
export const guard = <T>(fn: () => T): T | undefined => {
  try {
    return fn()
  } catch {
    // the overlay is a guest: a failure here must not become the page's
    return undefined
  }
}

/** An error's message, for a line in the overlay. */
export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Appends a `tag` element to `parent`, with `text` as its text and `dp` as its `data-dp` test hook. */
export function add<K extends keyof HTMLElementTagNameMap>(parent: Node, tag: K, text?: string | null, dp?: string): HTMLElementTagNameMap[K] {
  const e = (parent.ownerDocument || (parent as Document)).createElement(tag)
  if (text) e.textContent = text
  if (dp) e.setAttribute('data-dp', dp)
  parent.appendChild(e)
  return e
}

/** Sets each of `a` as an attribute of `e` (`class`, `role`, `aria-*`…); returns `e`. */
export function attrs<E extends Element>(e: E, a: Record<string, string>): E {
  for (const k in a) e.setAttribute(k, a[k]!)
  return e
}

/** A real `<button type="button">` whose clicks run `fn`, guarded. */
export function button(parent: Node, label: string, dp: string, fn: () => unknown, title?: string): HTMLButtonElement {
  const b = add(parent, 'button', label, dp)
  b.type = 'button'
  if (title) b.title = title
  b.addEventListener('click', () => guard(fn))
  return b
}

/** A definition list row: `label` and `value` (a `dp` hook on the value). */
export function row(dl: HTMLElement, label: string, value: string, dp?: string): HTMLElement {
  add(dl, 'dt', label)
  return add(dl, 'dd', value, dp)
}

/** A short heading inside a panel. */
export const heading = (parent: Node, text: string) => add(parent, 'h3', text)

/** A paragraph in a muted (`m`) or an error (`e`) colour. */
export function note(parent: Node, text: string, kind: 'm' | 'e' = 'm', dp?: string): HTMLElement {
  const p = add(parent, 'p', text, dp)
  p.className = kind
  return p
}
