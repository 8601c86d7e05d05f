// The engines the browser suite runs in, each behind the same small interface:
// launch() → { context, close }, where context is Playwright's persistent context (Chromium)
// or a wrapper with the same methods (drivers/firefox.mjs). Debian packages only.
import { existsSync } from 'node:fs'

export const ENGINES = {
  chromium: { path: () => import('./chromium.mjs').then((m) => m.CHROMIUM), load: () => import('./chromium.mjs'), apt: 'chromium' },
  firefox: { path: () => import('./firefox.mjs').then((m) => m.FIREFOX), load: () => import('./firefox.mjs'), apt: 'firefox-esr' },
}

/** The engine's launch(), or an error message naming the package to install. */
export async function engine(name) {
  const e = ENGINES[name]
  const path = await e.path()
  if (!existsSync(path)) return { error: `no ${name} at ${path} (apt-get install ${e.apt}, or set ${name.toUpperCase()}_PATH)` }
  return { path, launch: (await e.load()).launch }
}
