// Shared by the browser-suite pages: creates a tracker from ?o=<json options> (or on demand
// through window.__makeTracker) and records what it reports in window.__dp.
;(function () {
  var rec = (window.__dp = { codes: {}, messages: [], sent: 0, dropped: [], createError: null })
  window.__makeTracker = function (opts) {
    var o = Object.assign({}, opts, {
      // markUnload: the SDK's unload sends (keepalive) carry x-dp-unload, so a scenario can
      // tell them from ordinary requests (and from retries after a failed one)
      fetch: opts && opts.markUnload
        ? function (url, init) {
            if (init && init.keepalive) init = Object.assign({}, init, { headers: Object.assign({}, init.headers, { 'x-dp-unload': '1' }) })
            return fetch(url, init)
          }
        : undefined,
      markUnload: undefined,
      onError: function (e) {
        rec.codes[e.code] = (rec.codes[e.code] || 0) + 1
        if (rec.messages.length < 20) rec.messages.push(e.message)
      },
    })
    try {
      var dp = window.desirePath.createTracker(o)
      dp.on('sent', function (s) { rec.sent += s.count })
      dp.on('dropped', function (d) { rec.dropped.push(d) })
      window.dp = dp
      return dp
    } catch (e) {
      rec.createError = String(e)
      throw e
    }
  }
  var o = new URLSearchParams(location.search).get('o')
  if (o) window.__makeTracker(JSON.parse(o))
})()
