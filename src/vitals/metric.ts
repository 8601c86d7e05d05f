import type { MetricType } from 'web-vitals'

/** The five metrics web-vitals reports. */
export type VitalName = MetricType['name']

/**
 * The properties of one `Web Vitals` track event: one metric of one page view, final, with
 * the journey stage and the route at the moment web-vitals reported it.
 */
export interface VitalProperties {
  [key: string]: string | number | null
  /** `'LCP'`, `'INP'`, `'CLS'`, `'FCP'` or `'TTFB'` */
  metric: VitalName
  /** milliseconds, rounded to an integer; CLS: a unitless score to 4 decimals */
  value: number
  /** web-vitals' rating against the metric's thresholds */
  rating: MetricType['rating']
  /** web-vitals' id of this metric instance: new per page load and per back/forward-cache restore */
  id: string
  /** `navigate`, `reload`, `back-forward`, `back-forward-cache`, `prerender` or `restore` */
  navigationType: MetricType['navigationType']
  /** `dp.journey()?.stage` when the metric was reported; `null` without a journey */
  stage: string | null
  /** `location.pathname` when the metric was reported, e-mails and tokens masked */
  route: string
}

/** What goes on the wire for `m`: ms as integers (sub-ms digits are noise), CLS to 4 decimals. */
export const vitalProperties = (m: MetricType, stage: string | null, route: string): VitalProperties => ({
  metric: m.name,
  value: m.name == 'CLS' ? Math.round(m.value * 1e4) / 1e4 : Math.round(m.value),
  rating: m.rating,
  id: m.id,
  navigationType: m.navigationType,
  stage,
  route,
})
