// The XSS scenario's page script (window.__xss), two ways to put payloads in front of the
// default renderer (window.desirePath.renderNudges, the IIFE build):
//   direct(payloads)  per payload, three renderers fed by a stand-in for dp.on('nudge'):
//                     A: all five slots, the payload in every content field (anchor and
//                        target: this payload's own fixture elements, so they render);
//                     B: tooltip and inline whose anchor / target selector is the payload;
//                     C: a content that is the bare payload string, and a slot that is the payload.
//                     Returns, per payload, what each renderer called (shown, clicked, dismissed).
//   interact()        clicks the first call to action of A's nudges of even payloads, the ×
//                     of every other nudge; returns what each click did.
//   detach()          detaches every renderer and removes the fixtures.
//   resolve(payloads) each payload resolved as a link by this page (null: not http(s)).
//   e2e(options, payloads, batch)  the real thing: a tracker whose journey has one nudge per
//                     payload (its content, trigger and audience made of it), events and traits
//                     carrying the payloads, the renderer; shows every nudge in turn, looking at
//                     each box before clicking it away (a call to action for even payloads, the
//                     × for odd ones). Resolves with what it saw.
// A click on an http(s) link the renderer made never navigates (prevented here, in the capture
// phase); other links are left alone.
;(function () {
  addEventListener(
    'click',
    function (e) {
      var t = e.composedPath()[0]
      var a = t && t.closest && t.closest('a')
      // only http(s) links are kept from navigating: any other link a renderer made (say
      // javascript:) is followed, so what it would run, runs (and calls the canary)
      if (a && /^https?:/i.test(a.href)) e.preventDefault()
    },
    true,
  )
  var render = function () {
    return window.desirePath.renderNudges
  }
  var fixtures = function () {
    return document.getElementById('xss-fixtures')
  }

  /** A stand-in for the tracker's dp.on('nudge'), and decisions that record their acks. */
  var source = function () {
    var handlers = []
    return {
      on: function (type, h) {
        if (type == 'nudge') handlers.push(h)
        return function () {
          handlers = handlers.filter(function (x) {
            return x !== h
          })
        }
      },
      emit: function (d) {
        handlers.forEach(function (h) {
          h(d)
        })
      },
    }
  }
  var decision = function (nudge) {
    var r = { id: nudge.id, slot: nudge.slot, shown: 0, clicked: [], dismissed: 0, completed: 0 }
    return {
      r: r,
      d: {
        nudge: nudge,
        signal: 'rule',
        explanation: nudge.id + ': its trigger rule holds.',
        arm: 'treatment',
        shown: function () {
          r.shown++
        },
        clicked: function (id) {
          r.clicked.push(id === undefined ? null : id)
        },
        dismissed: function () {
          r.dismissed++
        },
        completed: function () {
          r.completed++
        },
      },
    }
  }

  var live = []
  var x = (window.__xss = {})

  x.direct = function (payloads) {
    var out = []
    payloads.forEach(function (p, i) {
      var box = document.createElement('div')
      box.setAttribute('data-i', i)
      var anchor = document.createElement('button')
      anchor.id = 'xa-' + i
      anchor.textContent = 'anchor ' + i
      var target = document.createElement('div')
      target.id = 'xt-' + i
      var rootA = document.createElement('div')
      var rootB = document.createElement('div')
      var rootC = document.createElement('div')
      box.append(anchor, target, rootA, rootB, rootC)
      fixtures().appendChild(box)
      var full = function (extra) {
        var c = { title: p, body: p, cta: { label: p, href: p, id: p }, dismissLabel: p }
        for (var k in extra) c[k] = extra[k]
        return c
      }
      var A = [
        { id: p, slot: 'modal', content: full({ cta: [{ label: p, href: p, id: p }, { label: p, id: p }] }) },
        { id: p, slot: 'popover', content: full({ anchor: p }) },
        { id: p, slot: 'banner', content: full({}) },
        { id: p, slot: 'tooltip', content: full({ anchor: '#xa-' + i }) },
        { id: p, slot: 'inline', content: full({ target: '#xt-' + i }) },
      ]
      var B = [
        { id: p, slot: 'tooltip', content: full({ anchor: p }) },
        { id: p, slot: 'inline', content: full({ target: p }) },
      ]
      var C = [
        { id: p, slot: 'modal', content: p },
        { id: p, slot: p, content: full({}) },
      ]
      var rec = { i: i, A: [], B: [], C: [], errors: [] }
      ;[
        ['A', A, rootA],
        ['B', B, rootB],
        ['C', C, rootC],
      ].forEach(function (set) {
        var s = source()
        var detach
        try {
          detach = render()(s, { root: set[2] })
        } catch (e) {
          rec.errors.push('renderNudges threw: ' + e)
          return
        }
        live.push({ i: i, k: set[0], detach: detach, decisions: [] })
        set[1].forEach(function (n) {
          var dd = decision(n)
          live[live.length - 1].decisions.push(dd)
          rec[set[0]].push(dd.r)
          try {
            s.emit(dd.d)
          } catch (e) {
            rec.errors.push(set[0] + ' ' + n.slot + ': the handler threw ' + e)
          }
        })
      })
      out.push(rec)
    })
    return out
  }

  /** Boxes (div.dp) in the shadow roots of the light-DOM elements under `el` (and in `el` itself). */
  var boxesUnder = function (el) {
    var out = []
    var all = [el].concat(Array.prototype.slice.call(el.querySelectorAll('*')))
    all.forEach(function (e) {
      if (e.shadowRoot) out = out.concat(Array.prototype.slice.call(e.shadowRoot.querySelectorAll('.dp')))
    })
    return out
  }

  x.interact = function () {
    var res = { clicks: 0, problems: [] }
    var problem = function (m) {
      if (res.problems.length < 30) res.problems.push(m)
    }
    var boxes = fixtures().querySelectorAll('[data-i]')
    Array.prototype.forEach.call(boxes, function (b) {
      var i = +b.getAttribute('data-i')
      var A = live.filter(function (l) {
        return l.i == i && l.k == 'A'
      })[0]
      // A's nudges: in rootA's host, and the inline one in this payload's target
      var found = boxesUnder(b.children[2]).concat(boxesUnder(b.children[1]))
      found.forEach(function (el) {
        var slot = ['modal', 'popover', 'banner', 'tooltip', 'inline'].filter(function (s) {
          return el.classList.contains(s)
        })[0]
        var dd = A && A.decisions.filter(function (d) {
          return d.r.slot == slot
        })[0]
        if (!dd) return problem('payload ' + i + ': a box for slot ' + slot + ' without a decision')
        var cta = el.querySelector('.c')
        var useCta = i % 2 == 0 && cta
        ;(useCta ? cta : el.querySelector('.x')).click()
        res.clicks++
        if (el.isConnected) problem('payload ' + i + ' ' + slot + ': still on the page after the click')
        var want = useCta ? 'clicked' : 'dismissed'
        // every call to action's id is the payload (and so is the nudge's id here)
        if (dd.r.shown != 1 || (useCta ? dd.r.clicked.length != 1 || dd.r.clicked[0] !== dd.d.nudge.id || dd.r.dismissed : dd.r.dismissed != 1 || dd.r.clicked.length))
          problem('payload ' + i + ' ' + slot + ': after the ' + want + ' click ' + JSON.stringify(dd.r))
      })
      // B's nudges wherever their selector put them: closed by their ×
      var B = live.filter(function (l) {
        return l.i == i && l.k == 'B'
      })[0]
      ;(B ? B.decisions : []).forEach(function (dd) {
        if (!dd.r.shown) return
        var host = b.children[3]
        var el = dd.r.slot == 'tooltip' ? boxesUnder(host)[0] : null
        if (el) {
          el.querySelector('.x').click()
          res.clicks++
          if (dd.r.dismissed != 1) problem('payload ' + i + ' B tooltip: × did not dismiss ' + JSON.stringify(dd.r))
        }
      })
    })
    return res
  }

  /** How this page resolves each payload as a link: the absolute URL, or null (not http(s)). */
  x.resolve = function (list) {
    return list.map(function (p) {
      try {
        var u = new URL(p, document.baseURI)
        return /^https?:$/.test(u.protocol) ? u.href : null
      } catch {
        return null
      }
    })
  }

  x.detach = function () {
    var errors = []
    live.splice(0).forEach(function (l) {
      try {
        l.detach()
      } catch (e) {
        errors.push(String(e))
      }
    })
    fixtures().textContent = ''
    return errors
  }

  x.e2e = function (options, payloads, batch) {
    var dp = window.__makeTracker(options)
    var bySlot = {}
    var decisions = 0
    dp.on('nudge', function (d) {
      decisions++
      bySlot[d.nudge.slot] = d
    })
    var detach = render()(dp)
    var traits = {}
    var props = {}
    payloads.forEach(function (p, i) {
      traits['p' + i] = p
      props['v' + i] = p
    })
    dp.identify('xss-user-' + batch, traits)
    dp.track('Payload Seen', props)
    payloads.forEach(function (p, i) {
      dp.track(p, { i: i, payload: p })
    })
    var seen = []
    var bad = []
    var light = []
    var handled = {}
    var t0 = Date.now()
    var progress = t0
    return new Promise(function (resolve) {
      var step = function () {
        var inspect = window.__dpInspect()
        inspect.bad.forEach(function (b) {
          if (bad.length < 30) bad.push(b)
        })
        inspect.lightDanger.forEach(function (b) {
          if (light.length < 30) light.push(b)
        })
        var boxes = boxesUnder(document.body)
        boxes.forEach(function (el) {
          var slot = ['modal', 'popover', 'banner', 'tooltip', 'inline'].filter(function (s) {
            return el.classList.contains(s)
          })[0]
          var d = bySlot[slot]
          var info = inspect.boxes.filter(function (b) {
            return b.slot == slot
          })
          var id = d ? d.nudge.id : null
          seen.push({ id: id, slot: slot, twice: !!handled[id], box: info.length == 1 ? info[0] : { many: info.length } })
          handled[id] = (handled[id] || 0) + 1
          var i = +String(id).slice(1)
          var cta = el.querySelector('.c')
          ;(i % 2 == 0 && cta ? cta : el.querySelector('.x')).click()
        })
        if (boxes.length) progress = Date.now()
        // done, or stuck (nothing new on screen for 5 s), or out of time
        if (Object.keys(handled).length >= payloads.length || Date.now() - progress > 5000 || Date.now() - t0 > 25000) {
          // the statuses are read once every ack made above is applied, not after a fixed time
          dp.settled().then(function () {
            detach()
            resolve({ seen: seen, bad: bad, light: light, decisions: decisions, ms: Date.now() - t0, status: (dp.journey() || {}).nudges || [], anonymousId: dp.anonymousId })
          })
        } else setTimeout(step, 10)
      }
      step()
    })
  }
})()
