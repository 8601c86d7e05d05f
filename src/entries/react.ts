// desire-path/react: <DesirePathProvider>, useTracker(), useJourney(), useStage(), useNudge(slot).
// React (18 or later) is an optional peer dependency: only this entry imports it.
export { DesirePathProvider, useJourney, useNudge, useStage, useTracker, type DesirePathProviderProps } from '../react/hooks.js'
