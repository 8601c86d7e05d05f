import { describe, expect, it } from 'vitest'
import { humanize, parseDuration } from '../../../src/journey/duration.js'

const S = 1e3
const MIN = 60 * S
const H = 60 * MIN
const D = 24 * H

describe('parseDuration', () => {
  it.each([
    ['PT0.5S', 500],
    ['PT1S', S],
    ['PT10M', 10 * MIN],
    ['PT1H', H],
    ['PT1H30M', 90 * MIN],
    ['P3D', 3 * D],
    ['P1W', 7 * D],
    ['P1DT12H', 36 * H],
    ['P1.5D', 36 * H],
    ['P2W3DT4H5M6S', 17 * D + 4 * H + 5 * MIN + 6 * S],
    ['PT36H', 36 * H],
    ['P0D', 0], // well formed but zero: the validator refuses it
    ['P007D', 7 * D],
  ])('%s is %d ms', (d, ms) => {
    expect(parseDuration(d)).toBe(ms)
  })

  it.each([
    ['', 'empty'],
    ['P', 'no component'],
    ['PT', 'no time component'],
    ['P1DT', 'a T with nothing after'],
    ['T1H', 'no P'],
    ['1D', 'no P'],
    ['p1d', 'lower case'],
    ['P1Y', 'years vary in length'],
    ['P1M', 'months vary in length (M before T)'],
    ['PT1D', 'days after T'],
    ['P1H', 'hours before T'],
    ['P1D1W', 'out of order'],
    ['PT1S1M', 'out of order'],
    ['P1D1D', 'repeated'],
    ['P-1D', 'negative'],
    ['P.5D', 'no leading digit'],
    ['P1.D', 'no digit after the point'],
    ['P1,5D', 'decimal comma'],
    ['P1e3D', 'exponent'],
    [' P1D', 'whitespace'],
    ['P1D\n', 'trailing newline'],
    ['3 days', 'words'],
  ])('%j is invalid (%s)', (d) => {
    expect(parseDuration(d)).toBeNaN()
  })

  it.each([[3], [null], [undefined], [{}], [['P1D']]])('%j (not a string) is invalid', (d) => {
    expect(parseDuration(d)).toBeNaN()
  })

  it('overflows to Infinity on absurd counts (the validator refuses those)', () => {
    expect(parseDuration('P' + '9'.repeat(400) + 'D')).toBe(Infinity)
  })
})

describe('humanize', () => {
  it.each([
    [0, '0 ms'],
    [999, '999 ms'],
    [S, '1 second'],
    [1.5 * S, '1.5 seconds'],
    [59 * S, '59 seconds'],
    [MIN, '1 minute'],
    [10 * MIN, '10 minutes'],
    [90 * MIN, '1.5 hours'],
    [H, '1 hour'],
    [D, '1 day'],
    [36 * H, '1.5 days'],
    [7 * D, '7 days'],
    [3 * D + 1, '3 days'],
    // one decimal: 23h59m rounds up within its unit
    [D - MIN, '24 hours'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(humanize(ms)).toBe(text)
  })

  it.each(['PT10M', 'P2D', 'P1DT12H', 'PT0.5S'])('reads back what parseDuration reads: %s', (d) => {
    expect(humanize(parseDuration(d))).toMatch(/^\d+(\.\d)? (second|minute|hour|day)s?$|^\d+ ms$/)
  })
})
