import { startCollector } from '../collector-server.mjs'
import { launch } from './drivers/chromium.mjs'
const c = await startCollector()
const { context, close } = await launch()
const page = await context.newPage()
await page.goto(c.origin + '/test/browser/pages/blank.html')
await page.addScriptTag({ url: '/dist/desire-path.iife.js' })
await page.evaluate(async (endpoint) => { const dp = desirePath.createTracker({ endpoint }); dp.track('x', {a:1}); await dp.flush() }, c.endpoint)
console.log(c.accepted.length, c.accepted[0]?.event, c.requests[0]?.headers['content-type'])
await close(); await c.close()
