// Launches Debian's Chromium through playwright-core (never downloads a browser).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A persistent context on a fresh user-data-dir: its tabs share one origin's storage. */
export async function launch(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'dp-chromium-'))
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] })
  const close = async () => {
    await context.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  return { context, close }
}
