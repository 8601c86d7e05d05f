// ?total=N&per=K&every=MS&nextKey=K: tracks K events every MS ms until N. Each track and
// the localStorage write of the next index happen in the same task, so a reload (which only
// happens between tasks) resumes exactly after the last tracked index.
;(function () {
  var q = new URLSearchParams(location.search)
  var total = +q.get('total')
  var per = +q.get('per') || 1
  var every = +q.get('every') || 10
  var K = q.get('nextKey')
  var read = function () { return +(localStorage.getItem(K) || 0) }
  var st = (window.__stream = { start: read(), next: read(), done: false, ticks: 0 })
  var tick = function () {
    var i = read()
    for (var k = 0; k < per && i < total; k++, i++) {
      window.dp.track('stream', { i: i })
      localStorage.setItem(K, String(i + 1))
    }
    st.next = i
    st.ticks++
    if (i >= total) st.done = true
    else setTimeout(tick, every)
  }
  if (st.start < total) setTimeout(tick, every)
  else st.done = true
})()
