// The CSP pages' tracker and renderer: window.__startNudges(renderNudges, build) makes the
// tracker from ?j=<json options, journey included>, a recorder of decisions (window.__nudge,
// as in nudge.js), then the renderer (themed), then sends a page view (the journey starts).
// nudge-csp.js (a module) calls it with the ESM build; with data-render="iife" on this
// script's tag it starts at once with the IIFE build's window.desirePath.renderNudges.
;(function () {
  var q = new URLSearchParams(location.search)
  var rec = (window.__nudge = { decisions: [], byId: {}, firstAt: null, build: null, clicked: [], dismissed: [] })
  window.__startNudges = function (renderNudges, build) {
    var dp = window.__makeTracker(JSON.parse(q.get('j')))
    window.__createdAt = Date.now()
    rec.build = build
    dp.on('nudge', function (d) {
      rec.decisions.push({ id: d.nudge.id, slot: d.nudge.slot, signal: d.signal, arm: d.arm, at: Date.now() })
      rec.byId[d.nudge.id] = d
      if (rec.firstAt == null) rec.firstAt = Date.now()
    })
    window.__detach = renderNudges(dp, { theme: { '--dp-accent': '#0a7f5a' } })
    dp.page()
  }
  var me = document.currentScript
  if (me && me.getAttribute('data-render') == 'iife') window.__startNudges(window.desirePath.renderNudges, 'iife')
})()
