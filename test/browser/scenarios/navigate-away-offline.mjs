// Navigate away while the collector is down (HTTP 503 to everything sent while the page
// leaves, so the unload send fails): the 50 events must have been stored, and all arrive
// on the next load. See navigate-away.mjs.
import { navigateAway } from './navigate-away.mjs'

export default (env) => navigateAway(env, { down: true })
