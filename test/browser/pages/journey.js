// Makes the journey page's tracker from ?j=<json options, journey included> (harness.js
// reads ?o=, so it makes none here): the `stage` listener is on before the stored journey
// state can load. Records, per page load:
//   window.__stages  every { from, to, at, cause, skipped } this tab heard, in order
//   window.__seen    the distinct successive values of dp.journey().stage, sampled every
//                    10 ms for 5 s after load (so [null, 'signup'] = loaded as signup)
//   window.__createdAt  Date.now() when the tracker was made
;(function () {
  var stages = (window.__stages = [])
  var seen = (window.__seen = [])
  var o = new URLSearchParams(location.search).get('j')
  if (!o) return
  var dp = window.__makeTracker(JSON.parse(o))
  window.__createdAt = Date.now()
  dp.on('stage', function (c) {
    stages.push({ from: c.from, to: c.to, at: c.at, cause: c.cause, skipped: c.skipped || null })
  })
  var t0 = Date.now()
  var sample = function () {
    var j = dp.journey()
    var s = j ? j.stage : 'no snapshot'
    if (!seen.length || seen[seen.length - 1] !== s) seen.push(s)
    if (Date.now() - t0 < 5000) setTimeout(sample, 10)
  }
  sample()
})()
