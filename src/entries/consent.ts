// desire-path/consent: a consent manager's decision, fed to dp.consent(): IAB TCF v2.2 CMPs
// (tcfConsent) and Google Consent Mode v2 (consentModeConsent). Its own entry, so that a
// host that calls dp.consent() itself ships neither.
export { tcfConsent } from '../consent/tcf.js'
export type { TcfOptions, TcData, TcfApi, ConsentTracker, StopConsent } from '../consent/tcf.js'
export { consentModeConsent } from '../consent/consent-mode.js'
export type { ConsentModeOptions } from '../consent/consent-mode.js'
