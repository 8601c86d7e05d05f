// The strict-CSP page's module: the renderer's ESM build, same origin (see nudge-csp-start.js).
import { renderNudges } from '/dist/nudges.js'

window.__startNudges(renderNudges, 'esm')
