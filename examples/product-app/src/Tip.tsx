import { useNudge } from 'desire-path/react'

interface Content {
  title?: string
  body?: string
  cta?: { id?: string; label?: string; href?: string }
}

/** The popover slot, rendered by the app itself (useNudge): text only, as React renders it. */
export function Tip() {
  const n = useNudge('popover')
  if (!n) return null
  const c = (n.nudge.content || {}) as Content
  const href = c.cta?.href?.startsWith('#') ? c.cta.href : undefined
  return (
    <aside className="tip" role="dialog" aria-labelledby="tip-title" data-nudge={n.nudge.id}>
      <button type="button" className="close" aria-label="Dismiss" onClick={() => n.dismissed()}>
        ×
      </button>
      <h2 id="tip-title">{c.title}</h2>
      <p>{c.body}</p>
      <p className="why">{n.explanation}</p>
      {c.cta?.label && (
        <a className="cta" href={href} onClick={() => n.clicked(c.cta?.id)}>
          {c.cta.label}
        </a>
      )}
    </aside>
  )
}
