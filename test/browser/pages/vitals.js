// The web-vitals page: a tracker with a two-stage journey from ?o=<json options, journey
// included> and captureVitals on it, from dist/ (ESM, through vitals.html's import map).
//   window.__vitals     { codes, messages, createError, shifted }
//   window.__shift()    inserts a banner above the content (a layout shift; CLS counts it
//                       if no input came in the 500 ms before: window.__lastInput)
//   #go click           busy for window.__busy ms (default 80): an interaction INP sees;
//                       window.__interactionsRead counts those web-vitals has read
//   sessionStorage 'dp-vitals-raw'  every report web-vitals itself made on this page (its own
//                       onCLS/onINP/...) and the page's visibilitychange/pagehide, kept across
//                       the navigation away, so the scenario can tell "reported twice by
//                       web-vitals, sent once" from "reported once"
import { createTracker } from '/dist/journey.js'
import { captureVitals } from '/dist/vitals.js'
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals'

const rec = (window.__vitals = { codes: {}, messages: [], createError: null, shifted: 0 })
const raw = (m) => {
  const list = JSON.parse(sessionStorage.getItem('dp-vitals-raw') || '[]')
  list.push({ name: m.name, value: m.value, at: Math.round(performance.now()) })
  sessionStorage.setItem('dp-vitals-raw', JSON.stringify(list))
}
sessionStorage.removeItem('dp-vitals-raw')
for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(raw)
for (const type of ['visibilitychange', 'pagehide']) addEventListener(type, (e) => raw({ name: type + ':' + document.visibilityState + (e.isTrusted ? '' : ':synthetic') }), true)

const o = JSON.parse(new URLSearchParams(location.search).get('o') || 'null')
if (o) {
  try {
    const dp = (window.dp = createTracker({
      ...o,
      onError(e) {
        rec.codes[e.code] = (rec.codes[e.code] || 0) + 1
        if (rec.messages.length < 20) rec.messages.push(e.message)
      },
    }))
    dp.track('Pricing Viewed')
    window.__stopVitals = captureVitals(dp)
  } catch (e) {
    rec.createError = String(e)
  }
}

window.__busy = 80
// shifts within 500 ms of an input are not layout shifts to CLS (hadRecentInput)
window.__lastInput = -Infinity
addEventListener('pointerdown', () => (window.__lastInput = performance.now()), true)
let clicks = 0
document.getElementById('go').addEventListener('click', (e) => {
  const end = performance.now() + window.__busy
  while (performance.now() < end) {
    /* a slow handler: the interaction's processing time */
  }
  // and what a real handler does: something changes on screen (the next paint ends the interaction)
  e.target.textContent = `Starting (${++clicks})`
})

// Interactions web-vitals has read: it reads INP's entries in an idle callback, and a page
// hidden before that reports no INP (web-vitals' own race). This observer is the last one
// made, so its idle callback comes after web-vitals' for the same entries.
window.__interactionsRead = 0
const ids = new Set()
new PerformanceObserver((list) => {
  const fresh = list.getEntries().filter((e) => e.interactionId && !ids.has(e.interactionId) && ids.add(e.interactionId))
  if (fresh.length) requestIdleCallback(() => (window.__interactionsRead += fresh.length))
}).observe({ type: 'event', durationThreshold: 16 })

window.__shift = () => {
  const ad = document.createElement('div')
  ad.id = 'ad'
  ad.textContent = 'banner'
  document.body.insertBefore(ad, document.body.firstChild)
  rec.shifted++
}
