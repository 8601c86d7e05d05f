// First script of the nudge pages (an external file: the CSP pages allow no inline code).
// Installed before the SDK loads:
//   window.__violations  every securitypolicyviolation event, also logged as "[dp-csp] {...}"
//   window.__pwned(x)    the XSS canary: every payload calls it; counts in __pwnedCount, logs
//                        "[dp-pwned] x" and calls window.__pwnedHook (exposed by the scenario)
//   window.__dpInspect() a walk of the renderer's shadow roots: each nudge box's texts and
//                        links, and every element or attribute the renderer never makes
;(function () {
  var violations = (window.__violations = [])
  var record = function (e) {
    var r = {
      directive: e.effectiveDirective || e.violatedDirective || '',
      blocked: String(e.blockedURI || ''),
      sample: String(e.sample || '').slice(0, 200),
      source: e.sourceFile ? e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber : '',
    }
    violations.push(r)
    console.error('[dp-csp] ' + JSON.stringify(r))
  }
  document.addEventListener('securitypolicyviolation', record, true)

  window.__pwnedCount = 0
  window.__pwned = function (x) {
    window.__pwnedCount++
    console.error('[dp-pwned] ' + String(x).slice(0, 200))
    try {
      if (typeof window.__pwnedHook == 'function') window.__pwnedHook(String(x).slice(0, 200))
    } catch {
      /* the hook is the scenario's */
    }
  }

  // What the default renderer makes inside its shadow roots, and nothing else.
  var TAGS = { DIV: 1, BUTTON: 1, H2: 1, STRONG: 1, P: 1, A: 1 }
  var ATTRS = { class: 1, role: 1, type: 1, id: 1, href: 1, style: 1, 'aria-label': 1, 'aria-modal': 1, 'aria-labelledby': 1, 'aria-describedby': 1 }
  // Elements a payload could bring in: never in the page's light DOM either.
  var DANGER = 'script,img,iframe,frame,svg,math,object,embed,style,link,template,video,audio,source,input,form,base,meta,marquee,details,noscript,animate,set,image'
  var web = function (href) {
    try {
      return /^https?:$/.test(new URL(href).protocol)
    } catch {
      return false
    }
  }
  var text = function (el) {
    return el ? el.textContent : null
  }

  window.__dpInspect = function () {
    var out = { roots: 0, elements: 0, boxes: [], bad: [], lightDanger: [], sheets: [] }
    var bad = function (m) {
      if (out.bad.length < 50) out.bad.push(m)
    }
    var walk = function (node) {
      var all = node.querySelectorAll('*')
      for (var i = 0; i < all.length; i++) {
        var el = all[i]
        if (el.shadowRoot) {
          out.roots++
          inspectRoot(el, el.shadowRoot)
          walk(el.shadowRoot)
        }
      }
    }
    var inspectRoot = function (host, root) {
      // the host: a plain div, at most custom properties (the theme) in its style
      if (host.tagName != 'DIV') bad('shadow host <' + host.tagName.toLowerCase() + '>')
      for (var a = 0; a < host.attributes.length; a++) if (host.attributes[a].name != 'style') bad('host attribute ' + host.attributes[a].name)
      for (var s = 0; s < host.style.length; s++) if (host.style[s].slice(0, 2) != '--') bad('host style ' + host.style[s])
      out.sheets.push(root.adoptedStyleSheets ? root.adoptedStyleSheets.length : -1)
      var els = root.querySelectorAll('*')
      out.elements += els.length
      for (var i = 0; i < els.length; i++) {
        var el = els[i]
        if (!TAGS[el.tagName]) bad('element <' + el.tagName.toLowerCase() + '>')
        for (var j = 0; j < el.attributes.length; j++) {
          var n = el.attributes[j].name
          if (!ATTRS[n] || /^on/i.test(n)) bad('attribute ' + n + '="' + String(el.attributes[j].value).slice(0, 80) + '" on <' + el.tagName.toLowerCase() + '>')
        }
        if (el.hasAttribute('href') && (el.tagName != 'A' || !web(el.href))) bad('href ' + String(el.getAttribute('href')).slice(0, 120) + ' on <' + el.tagName.toLowerCase() + '>')
        if (el.tagName == 'A' && !el.hasAttribute('href')) bad('<a> without href')
        for (var k = 0; k < el.style.length; k++) if (el.style[k] != 'top' && el.style[k] != 'left') bad('inline style ' + el.style[k] + ' on <' + el.tagName.toLowerCase() + '>')
        if (el.shadowRoot && el.shadowRoot.mode != 'open') bad('closed shadow root')
      }
      var boxes = root.querySelectorAll('.dp')
      for (var b = 0; b < boxes.length; b++) {
        var box = boxes[b]
        var slot = ['modal', 'popover', 'banner', 'tooltip', 'inline'].filter(function (s) {
          return box.classList.contains(s)
        })[0]
        var t = box.querySelector('.t')
        var x = box.querySelector('.x')
        var ctas = box.querySelectorAll('.c')
        var r = box.getBoundingClientRect()
        out.boxes.push({
          slot: slot || box.className,
          title: text(t),
          titleTag: t ? t.tagName.toLowerCase() : null,
          body: text(box.querySelector('.b')),
          close: x ? x.getAttribute('aria-label') : null,
          ctas: Array.prototype.map.call(ctas, function (c) {
            return { tag: c.tagName.toLowerCase(), text: c.textContent, href: c.tagName == 'A' ? c.href : null }
          }),
          role: box.getAttribute('role'),
          rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
          position: getComputedStyle(box).position,
        })
      }
    }
    walk(document)
    var danger = document.querySelectorAll(DANGER)
    for (var d = 0; d < danger.length; d++) {
      var e = danger[d]
      if (e.tagName == 'SCRIPT' && e.src && new URL(e.src).origin == location.origin && !e.text) continue // the page's own scripts
      if (e.tagName == 'META' && e.getAttribute('charset')) continue
      if (e.tagName == 'LINK' && e.href == new URL('nudge-page.css', location.href).href) continue // the page's own stylesheet
      var attrs = Array.prototype.map
        .call(e.attributes, function (a) {
          return ' ' + a.name + '="' + String(a.value).slice(0, 60) + '"'
        })
        .join('')
      out.lightDanger.push(('<' + e.tagName.toLowerCase() + attrs + '>').slice(0, 160) + ' in <' + (e.parentNode && e.parentNode.nodeName ? e.parentNode.nodeName.toLowerCase() : '?') + '>')
    }
    // attributes named on* anywhere in the light DOM
    var every = document.querySelectorAll('*')
    for (var q = 0; q < every.length; q++)
      for (var z = 0; z < every[q].attributes.length; z++)
        if (/^on/i.test(every[q].attributes[z].name)) out.lightDanger.push('<' + every[q].tagName.toLowerCase() + ' ' + every[q].attributes[z].name + '>')
    return out
  }
})()
