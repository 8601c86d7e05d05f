// desire-path/vitals: web vitals (LCP, INP, CLS, FCP, TTFB) as track events with the journey
// stage, through the web-vitals package. Its own entry, so that a host without it ships neither.
export { captureVitals } from '../vitals/capture.js'
export type { VitalsOptions, VitalsTracker, StopVitals } from '../vitals/capture.js'
export type { VitalName, VitalProperties } from '../vitals/metric.js'
