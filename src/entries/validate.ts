// desire-path/journey/validate: the full definition validator, every error with its JSON
// path. For build tools, tests, the learner and the devtools overlay; the runtime ships
// only a cheap structural check (journey/check.ts).
export { validateDefinition, definitionErrors } from '../journey/validate.js'
export type { DefinitionError } from '../journey/validate.js'
