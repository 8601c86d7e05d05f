// The learned path, as the terminal shows it after `npm run demo -- --simulate N`.

const UNIT = { D: 864e5, H: 36e5, M: 6e4, S: 1e3 }
/** "P1DT4H30M" → "1.2 d", "PT4H45M59S" → "4.8 h", "PT40M" → "40 min" */
function short(iso) {
  let ms = 0
  for (const [, n, u] of (iso || '').replace(/^P/, '').replace('T', '').matchAll(/([\d.]+)([DHMS])/g)) ms += Number(n) * UNIT[u]
  return ms >= 2 * UNIT.D ? `${(ms / UNIT.D).toFixed(1)} d` : ms >= UNIT.H ? `${(ms / UNIT.H).toFixed(1)} h` : `${Math.round(ms / UNIT.M)} min`
}

/** Prints each stage's key steps in the learned order, with their share of successful customers and timing. */
export function printLearned(def) {
  console.log(`\nThe desire path (${def.id}@${def.version}, learned from ${def.learned?.subjects ?? '?'} customers):`)
  const width = Math.max(...def.stages.map((s) => (s.name || s.id).length))
  for (const s of def.stages) {
    const key = (s.path?.steps || []).filter((x) => x.key)
    const steps = key.map((x) => `${x.label}${x.share != null ? ` (${Math.round(x.share * 100)}%` : ''}${x.expectedWithin ? `, ${short(x.expectedWithin)}` : ''}${x.share != null ? ')' : ''}`)
    console.log(`  ${(s.name || s.id).padEnd(width)}  ${steps.join(' → ') || '(no key step)'}${s.stall ? `   stalled after ${short(s.stall)}` : ''}`)
  }
  console.log('')
}
