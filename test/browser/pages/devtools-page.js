// A script-tag page for the devtools scenario: the page's one tracker, by desirePath.init
// (after the snippet), with the journey the test passes in ?j=, and a nudge handler that
// puts each offered nudge "on screen" at once (the overlay's Nudges panel reads its state).
const q = new URLSearchParams(location.search)
const dp = window.desirePath
dp.init({ endpoint: new URL('/v1/batch', location.href).href, flushAt: 1, storageKey: q.get('key'), journey: JSON.parse(q.get('j')) })
window.__offered = []
dp.on('nudge', (d) => {
  window.__offered.push(d.nudge.id)
  d.shown()
})
