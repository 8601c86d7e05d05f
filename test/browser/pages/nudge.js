// The nudge page's tracker, from ?j=<json options, journey included> (not ?o=: harness.js
// would make it without the handler). Its dp.on('nudge') handler is on from the start and
// records, per page load:
//   window.__nudge.decisions  { id, slot, signal, arm, at } of every decision this tab got
//   window.__nudge.byId       the latest decision object per nudge id (to ack from a test)
//   window.__nudge.firstAt    Date.now() of the first decision (null: none yet)
//   window.__createdAt        Date.now() when the tracker was made
// Headless (the default), the handler calls shown() at once; ?render=1 leaves that to the
// default renderer (desire-path-nudges.iife.js), attached after the recorder. Then the page
// sends a page view (unless ?page=0), which starts the journey (and so the nudges) or, on a
// later load, makes the policy decide again.
;(function () {
  var q = new URLSearchParams(location.search)
  var o = q.get('j')
  var rec = (window.__nudge = { decisions: [], byId: {}, firstAt: null })
  if (!o) return
  var dp = window.__makeTracker(JSON.parse(o))
  window.__createdAt = Date.now()
  var render = q.get('render') == '1'
  dp.on('nudge', function (d) {
    rec.decisions.push({ id: d.nudge.id, slot: d.nudge.slot, signal: d.signal, arm: d.arm, at: Date.now() })
    rec.byId[d.nudge.id] = d
    if (rec.firstAt == null) rec.firstAt = Date.now()
    if (!render) d.shown()
  })
  if (render) window.__detach = window.desirePath.renderNudges(dp)
  // a page view, as a site would send: the journey starts with the customer's first event
  if (q.get('page') != '0') dp.page()
})()
