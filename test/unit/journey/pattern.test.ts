import { describe, expect, it } from 'vitest'
import { matchPath, validPattern } from '../../../src/journey/pattern.js'

describe('matchPath', () => {
  it.each([
    // literal paths; trailing and repeated slashes are ignored
    ['/', '/', true],
    ['/', '/a', false],
    ['/welcome', '/welcome', true],
    ['/welcome', '/welcome/', true],
    ['/welcome/', '/welcome', true],
    ['/a//b', '/a/b', true],
    ['/welcome', '/Welcome', false],
    ['/welcome', '/welcome/more', false],
    ['/welcome/more', '/welcome', false],
    // query and fragment of the path are not part of it
    ['/search', '/search?q=x', true],
    ['/search', '/search#results', true],
    ['/search', '/search/?q=a/b', true],
    // :param is exactly one non-empty segment
    ['/projects/:id', '/projects/42', true],
    ['/projects/:id', '/projects/42/', true],
    ['/projects/:id', '/projects', false],
    ['/projects/:id', '/projects/', false],
    ['/projects/:id', '/projects/42/edit', false],
    ['/projects/:id/edit', '/projects/42/edit', true],
    ['/:a/:b', '/x/y', true],
    // * is the rest, any depth, including none
    ['/docs/*', '/docs/a', true],
    ['/docs/*', '/docs/a/b/c', true],
    ['/docs/*', '/docs', true],
    ['/docs/*', '/documents', false],
    ['/projects/:id/*', '/projects/42/files/x', true],
    ['/projects/:id/*', '/projects', false],
    ['*', '/', true],
    ['*', '/anything/at/all', true],
    ['/*', '/', true],
    // no decoding: the pattern is compared with the path as the browser reports it
    ['/caf%C3%A9', '/caf%C3%A9', true],
    ['/a b', '/a%20b', false],
  ])('%s ~ %s: %s', (pattern, path, ok) => {
    expect(matchPath(pattern, path)).toBe(ok)
  })
})

describe('validPattern', () => {
  it.each(['*', '/', '/welcome', '/projects/:id', '/projects/:id/edit', '/docs/*', '/docs/*/', '/:a/:b/*', '/a//b', '/wiki/Special:Search', '/::', '/a-b_c.d~e'])(
    '%s is valid',
    (p) => {
      expect(validPattern(p)).toBe(true)
    },
  )

  it.each([
    ['', 'empty'],
    ['welcome', 'relative'],
    ['**', 'not a lone *'],
    ['*/a', 'not a lone *'],
    ['/a/*/b', '* not last'],
    ['/*/*', '* not last'],
    ['/docs*', '* inside a segment would be literal'],
    ['/a/b*c', '* inside a segment would be literal'],
    ['/:', 'nameless param'],
    ['/a/:/b', 'nameless param'],
    ['/search?q=x', 'a query is never part of the path'],
    ['/page#top', 'a fragment is never part of the path'],
    ['/?', 'a query is never part of the path'],
  ])('%j is invalid (%s)', (p) => {
    expect(validPattern(p)).toBe(false)
  })

  it.each([[1], [null], [undefined], [['/']]])('%j (not a string) is invalid', (p) => {
    expect(validPattern(p)).toBe(false)
  })
})
