/**
 * Test-only data: journey definitions shared by validate.test.ts and schema.test.ts
 * (the validator and the JSON Schema must agree on them). Imported by tests only.
 */
import type { JourneyDefinition, Rule } from './types.js'

/** A definition the validator must refuse with exactly this message (without the `[desire-path] ` prefix). */
export interface Invalid {
  error: string
  doc: unknown
  /** a cross-reference or a size limit: beyond what the JSON Schema can express */
  semantic?: true
}

const EVERY_OP: Rule = {
  all: [
    { trait: { prop: 'plan', op: 'eq', value: 'pro' } },
    { trait: { prop: 'deletedAt', op: 'eq', value: null } },
    { trait: { prop: 'plan', op: 'neq', value: false } },
    { trait: { prop: 'plan', op: 'in', value: ['pro', 'team', 3, true] } },
    { trait: { prop: 'plan', op: 'nin', value: ['free'] } },
    { trait: { prop: 'seats', op: 'gt', value: 1 } },
    { trait: { prop: 'seats', op: 'gte', value: 2.5 } },
    { trait: { prop: 'signedUpOn', op: 'lt', value: '2025-01-01' } },
    { trait: { prop: 'seats', op: 'lte', value: -3 } },
    { trait: { prop: 'email', op: 'contains', value: '@' } },
    { trait: { prop: 'tags', op: 'contains', value: 42 } },
    { trait: { prop: 'email', op: 'startsWith', value: 'ops+' } },
    { trait: { prop: 'email', op: 'endsWith', value: '.dev' } },
    { trait: { prop: 'company.$id', op: 'exists' } },
    { trait: { prop: 'company.billing-contact', op: 'notExists' } },
  ],
}

/** Valid definitions: both the validator and the schema accept them. */
export const VALID: Record<string, JourneyDefinition> = {
  minimal: { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }] },

  // editors find the schema through "$schema"
  'with $schema': {
    $schema: 'https://desire-path.dev/schema/journey-definition.json',
    id: 'j',
    version: '1.0',
    stages: [{ id: 'visitor', entry: { all: [] } }],
  } as JourneyDefinition,

  'full-featured': {
    id: 'saas:onboarding_v2.1-eu',
    version: '2.10.3',
    predicates: {
      engaged: { event: { name: 'Session Started', type: 'track', count: 3, within: 'P7D' } },
      admin: { trait: { prop: 'role', op: 'eq', value: 'admin' } },
      // a name that is also an Object.prototype member must work like any other
      constructor: { not: { ref: 'engaged' } },
      'every-op': EVERY_OP,
      'chain.a': { any: [{ ref: 'engaged' }, { ref: 'admin' }] },
    },
    stages: [
      { id: 'visitor', name: 'Visitor', entry: { all: [] } },
      {
        id: 'signup',
        name: 'Sign-up',
        entry: { any: [{ event: { name: 'Signed Up' } }, { page: '/welcome' }, { page: '*' }] },
        stall: 'PT0.5S',
      },
      {
        id: 'setup',
        entry: {
          all: [
            { event: { name: 'Workspace Created', since: 'stage', where: [{ prop: 'cart.total', op: 'gte', value: 10 }] } },
            { not: { absent: { type: 'page', name: 'Pricing', for: 'P1DT12H', where: [{ prop: 'path', op: 'startsWith', value: '/pricing' }] } } },
            { sequence: { steps: [{ name: 'A' }, { type: 'identify' }, {}], mode: 'strict', within: 'PT10M', since: 'stage' } },
            { sequence: { steps: [{ name: 'A' }, { name: 'B' }], mode: 'ordered' } },
            { sequence: { steps: [{ name: 'A' }, { name: 'B' }], mode: 'any' } },
            { page: '/projects/:id/docs/*' },
            { inStage: 'P1W' },
            { stepDone: 'profile' },
            // forward references: a step of a later stage, a predicate written earlier
            { stepDone: 'invite' },
            { ref: 'chain.a' },
            { ref: 'constructor' },
            { ref: 'every-op' },
          ],
        },
        demote: { event: { name: 'Workspace Deleted' } },
        stall: 'P2D',
        path: {
          basis: 1840,
          idleAfter: 'PT30M',
          steps: [
            { id: 'profile', label: 'completed their profile', match: { name: 'Profile Completed' }, key: true, expectedWithin: 'P1D', share: 0.81, next: { import: 0.7, profile: 0 } },
            { id: 'import', match: { type: 'track', where: [{ prop: 'source', op: 'in', value: ['csv'] }] }, key: false, share: 1, next: {} },
          ],
        },
      },
      {
        id: 'activation',
        entry: { event: { name: 'Task Completed', count: 10000, within: 'P3D' } },
        path: { steps: [{ id: 'invite', match: {} }] },
      },
    ],
    exits: [
      { id: 'churned', when: { absent: { for: 'P30D' } } },
      { id: 'deleted', when: { event: { name: 'Account Deleted' } } },
    ],
    goal: { all: [{ ref: 'engaged' }, { stepDone: 'invite' }] },
    nudges: [
      {
        id: 'invite-nudge',
        stage: 'activation',
        trigger: { signal: 'stepOverdue', step: 'invite' },
        audience: { trait: { prop: 'role', op: 'eq', value: 'admin' } },
        where: '/projects/:id',
        slot: 'banner',
        priority: -1000,
        tags: ['growth', 'team'],
        frequency: { maxShows: 3, minInterval: 'P1D', perSession: 1 },
        dismiss: { snooze: 'P2D', maxSnoozes: 2 },
        goal: { rule: { stepDone: 'invite' }, within: 'P7D' },
        experiment: { control: 12.5 },
        expiresAt: '2027-01-31T00:00:00Z',
        content: { title: 'Invite a teammate', cta: [{ id: 'go', label: 'Invite' }], anything: [1, null, { goes: true }] },
      },
      { id: 'rule-nudge', trigger: { rule: { ref: 'engaged' } }, slot: 'modal', priority: 1000, experiment: { control: 100 } },
      { id: 'stalled', trigger: { signal: 'stalled' }, slot: 'inline', dismiss: {}, frequency: {} },
    ],
    policy: {
      caps: [
        { scope: 'all', max: 2, per: 'P1D' },
        { scope: 'tag:growth', max: 1, per: 'session' },
        { scope: 'slot:modal', max: 1, per: 'P7D' },
      ],
      minGap: 'PT10M',
      holdout: 0,
    },
  },

  // predicates after stages, refs to them from stages
  'predicates last': {
    id: 'j',
    version: '1.0',
    stages: [
      { id: 'a', entry: { ref: 'p' } },
      { id: 'b', entry: { ref: 'q' }, demote: { not: { ref: 'p' } } },
    ],
    predicates: { p: { ref: 'q' }, q: { all: [{ ref: 'r' }, { ref: 'r' }] }, r: { page: '/' } },
  },

  'deepest nesting (12)': { id: 'j', version: '1.0', stages: [{ id: 'a', entry: nest(11) }] },

  '2000 rule nodes': { id: 'j', version: '1.0', stages: [{ id: 'a', entry: { all: Array.from({ length: 1999 }, () => ({ event: {} })) } }] },

  'longest strings and lists': {
    id: 'A'.repeat(64),
    version: '0.0',
    stages: Array.from({ length: 64 }, (_, i) => ({
      id: 's' + i,
      name: 'n'.repeat(200),
      entry: {
        event: {
          name: 'e'.repeat(200),
          where: Array.from({ length: 32 }, (_, j) => ({ prop: 'p'.repeat(200), op: 'in' as const, value: i + j ? ['v'] : Array.from({ length: 256 }, () => 'v'.repeat(1000)) })),
        },
      },
    })),
  },
}

/** `n` `not`s around an event rule: n + 1 levels of rules. */
export function nest(n: number): Rule {
  let r: Rule = { event: {} }
  for (let i = 0; i < n; i++) r = { not: r }
  return r
}

// builders: a small valid definition with one part replaced
const def = (over: object = {}) => ({ id: 'j', version: '1.0', stages: [{ id: 'a', entry: { all: [] } }], ...over })
/** the rule at `stages[0].entry` */
const entry = (rule: unknown) => def({ stages: [{ id: 'a', entry: rule }] })
/** a second stage (at `stages[1]`) with these keys on top of id and entry */
const stage = (keys: object) => def({ stages: [{ id: 'a', entry: { all: [] } }, { id: 'b', entry: { all: [] }, ...keys }] })
/** a path (at `stages[1].path`) */
const path = (p: object) => stage({ path: p })
/** the filter at `stages[0].entry.event.where[0]` */
const where = (f: object) => entry({ event: { where: [f] } })
const W = 'stages[0].entry.event.where[0]'

/** a minimal valid nudge */
const N = { id: 'n', trigger: { signal: 'idle' }, slot: 'banner' }
const RULE_KINDS = 'all, any, not, event, sequence, absent, trait, page, inStage, stepDone, ref'

/** Invalid definitions, each with the one message the validator must give. */
export const INVALID: Invalid[] = [
  // the document
  { error: '(root): must be an object', doc: [] },
  { error: '(root): must be an object', doc: null },
  { error: '(root): unknown key "nudge"', doc: def({ nudge: [] }) },
  { error: 'id: required', doc: { version: '1.0', stages: [{ id: 'a', entry: { all: [] } }] } },
  { error: 'id: invalid id "my journey"', doc: def({ id: 'my journey' }) },
  { error: 'id: invalid id "-j"', doc: def({ id: '-j' }) },
  { error: 'id: invalid id "' + 'a'.repeat(60) + '…"', doc: def({ id: 'a'.repeat(65) }) },
  { error: 'version: invalid version "1"', doc: def({ version: '1' }) },
  { error: 'version: invalid version 1.2', doc: def({ version: 1.2 }) },
  { error: 'version: invalid version "1.2.3.4"', doc: def({ version: '1.2.3.4' }) },
  { error: 'stages: must be an array of 1 to 64 items', doc: def({ stages: [] }) },
  { error: 'stages: must be an array of 1 to 64 items', doc: def({ stages: { a: { entry: {} } } }) },
  { error: 'stages: must be an array of 1 to 64 items', doc: def({ stages: Array.from({ length: 65 }, (_, i) => ({ id: 's' + i, entry: { all: [] } })) }) },
  { error: 'exits: must be an array', doc: def({ exits: {} }) },
  { error: 'predicates: must be an object', doc: def({ predicates: [] }) },
  { error: 'nudges: must be an array of 0 to 256 items', doc: def({ nudges: {} }) },
  { error: 'policy: must be an object', doc: def({ policy: [] }) },
  { error: 'policy: unknown key "maxPerDay"', doc: def({ policy: { maxPerDay: 2 } }) },
  { error: 'policy.caps[0].per: required', doc: def({ policy: { caps: [{ scope: 'all', max: 1 }] } }) },
  { error: 'policy.caps[0].scope: invalid scope "tag:": "all", "tag:<tag>" or "slot:<slot>"', doc: def({ policy: { caps: [{ scope: 'tag:', max: 1, per: 'P1D' }] } }) },
  { error: 'policy.caps[0].scope: invalid scope "slot:sidebar": "all", "tag:<tag>" or "slot:<slot>"', doc: def({ policy: { caps: [{ scope: 'slot:sidebar', max: 1, per: 'P1D' }] } }) },
  { error: 'policy.caps[0].max: must be an integer from 1 to 1000000', doc: def({ policy: { caps: [{ scope: 'all', max: 0, per: 'P1D' }] } }) },
  { error: 'policy.caps[0].per: invalid duration "day"', doc: def({ policy: { caps: [{ scope: 'all', max: 1, per: 'day' }] } }) },
  { error: 'policy.minGap: invalid duration "10m"', doc: def({ policy: { minGap: '10m' } }) },
  { error: 'policy.holdout: must be a number from 0 to 100', doc: def({ policy: { holdout: 0.5e3 } }) },
  // nudges
  { error: 'nudges[0]: must be an object', doc: def({ nudges: ['n'] }) },
  { error: 'nudges[0].trigger: required', doc: def({ nudges: [{ id: 'n', slot: 'modal' }] }) },
  { error: 'nudges[0].slot: required', doc: def({ nudges: [{ id: 'n', trigger: { signal: 'idle' } }] }) },
  { error: 'nudges[0]: unknown key "html"', doc: def({ nudges: [{ id: 'n', html: '<b>' }] }) },
  { error: 'nudges[1].id: duplicate nudge id "n"', doc: def({ nudges: [N, N] }), semantic: true },
  { error: 'nudges[0].stage: unknown stage "b"', doc: def({ nudges: [{ ...N, stage: 'b' }] }), semantic: true },
  { error: 'nudges[0].slot: must be one of "modal", "popover", "banner", "tooltip", "inline"', doc: def({ nudges: [{ ...N, slot: 'toast' }] }) },
  { error: 'nudges[0].trigger: must have either "signal" or "rule"', doc: def({ nudges: [{ ...N, trigger: {} }] }) },
  { error: 'nudges[0].trigger: must have either "signal" or "rule"', doc: def({ nudges: [{ ...N, trigger: { signal: 'idle', rule: { all: [] } } }] }) },
  { error: 'nudges[0].trigger.signal: must be one of "stalled", "stepOverdue", "skippedKeyStep", "offPath", "idle"', doc: def({ nudges: [{ ...N, trigger: { signal: 'bored' } }] }) },
  { error: 'nudges[0].trigger.step: unknown step "invite"', doc: def({ nudges: [{ ...N, trigger: { signal: 'stepOverdue', step: 'invite' } }] }), semantic: true },
  { error: 'nudges[0].trigger.step: only with "signal"', doc: def({ stages: [{ id: 'a', entry: { all: [] }, path: { steps: [{ id: 'x', match: {} }] } }], nudges: [{ ...N, trigger: { rule: { all: [] }, step: 'x' } }] }) },
  { error: 'nudges[0].trigger.rule.event.count: must be an integer from 1 to 10000', doc: def({ nudges: [{ ...N, trigger: { rule: { event: { count: 0 } } } }] }) },
  { error: 'nudges[0].audience.trait.op: unknown operator "regex"', doc: def({ nudges: [{ ...N, audience: { trait: { prop: 'email', op: 'regex', value: '.*' } } }] }) },
  { error: 'nudges[0].where: invalid pattern "projects"', doc: def({ nudges: [{ ...N, where: 'projects' }] }) },
  { error: 'nudges[0].priority: must be an integer from -1000 to 1000', doc: def({ nudges: [{ ...N, priority: 1.5 }] }) },
  { error: 'nudges[0].tags[0]: invalid id "two words"', doc: def({ nudges: [{ ...N, tags: ['two words'] }] }) },
  { error: 'nudges[0].frequency.maxShows: must be an integer from 1 to 1000', doc: def({ nudges: [{ ...N, frequency: { maxShows: 0 } }] }) },
  { error: 'nudges[0].frequency: unknown key "perDay"', doc: def({ nudges: [{ ...N, frequency: { perDay: 1 } }] }) },
  { error: 'nudges[0].dismiss.snooze: invalid duration "forever"', doc: def({ nudges: [{ ...N, dismiss: { snooze: 'forever' } }] }) },
  { error: 'nudges[0].goal.within: required', doc: def({ nudges: [{ ...N, goal: { rule: { all: [] } } }] }) },
  { error: 'nudges[0].experiment.control: must be a number from 0 to 100', doc: def({ nudges: [{ ...N, experiment: { control: -1 } }] }) },
  { error: 'nudges[0].expiresAt: invalid date-time "tomorrow"', doc: def({ nudges: [{ ...N, expiresAt: 'tomorrow' }] }) },
  { error: 'nudges[0].expiresAt: invalid date-time "2026-13-45T00:00:00Z"', doc: def({ nudges: [{ ...N, expiresAt: '2026-13-45T00:00:00Z' }] }), semantic: true },
  // document order: the first problem as written, then missing keys
  { error: 'stages[0].entry: must be an object', doc: { stages: [{ id: 'a', entry: 'x' }], id: 'j', version: 'v1' } },
  { error: 'stages[0].name: must be a string of at most 200 characters', doc: def({ stages: [{ name: 5 }] }) },
  { error: 'stages[0]: unknown key "__proto__"', doc: JSON.parse('{"id":"j","version":"1.0","stages":[{"id":"a","__proto__":{},"entry":{"all":[]}}]}') },

  // stages
  { error: 'stages[0]: must be an object', doc: def({ stages: ['a'] }) },
  { error: 'stages[0].entry: required', doc: def({ stages: [{ id: 'a' }] }) },
  { error: 'stages[0].id: required', doc: def({ stages: [{ entry: { all: [] } }] }) },
  { error: 'stages[1].id: duplicate stage id "a"', doc: stage({ id: 'a' }), semantic: true },
  { error: 'stages[0].demote: not allowed on the first stage', doc: def({ stages: [{ id: 'a', entry: { all: [] }, demote: { all: [] } }] }) },
  { error: 'stages[1].stall: invalid duration "3 days"', doc: stage({ stall: '3 days' }) },
  { error: 'stages[1].stall: invalid duration "P0D"', doc: stage({ stall: 'P0D' }) },
  { error: 'stages[1].stall: invalid duration "P1M"', doc: stage({ stall: 'P1M' }) },
  { error: 'stages[1].stall: invalid duration "PT"', doc: stage({ stall: 'PT' }) },
  { error: 'stages[1].stall: invalid duration "p1d"', doc: stage({ stall: 'p1d' }) },
  { error: 'stages[1].stall: invalid duration 3', doc: stage({ stall: 3 }) },
  { error: 'stages[1].stall: invalid duration "P' + '9'.repeat(59) + '…"', doc: stage({ stall: 'P' + '9'.repeat(400) + 'D' }), semantic: true },
  { error: 'stages[1].name: must be a string of at most 200 characters', doc: stage({ name: 'n'.repeat(201) }) },
  { error: 'stages[1]: unknown key "exit"', doc: stage({ exit: {} }) },

  // paths and steps
  { error: 'stages[1].path: must be an object', doc: stage({ path: [] }) },
  { error: 'stages[1].path.steps: required', doc: path({ basis: 3 }) },
  { error: 'stages[1].path.steps: must be an array of 1 to 64 items', doc: path({ steps: [] }) },
  { error: 'stages[1].path.basis: must be an integer from 1 to 1000000000', doc: path({ steps: [{ id: 'x', match: {} }], basis: 0 }) },
  { error: 'stages[1].path.idleAfter: invalid duration "30m"', doc: path({ steps: [{ id: 'x', match: {} }], idleAfter: '30m' }) },
  { error: 'stages[1].path.steps[0].match: required', doc: path({ steps: [{ id: 'x' }] }) },
  { error: 'stages[1].path.steps[0].id: invalid id "invite a teammate"', doc: path({ steps: [{ id: 'invite a teammate', match: {} }] }) },
  { error: 'stages[1].path.steps[1].id: duplicate step id "x"', doc: path({ steps: [{ id: 'x', match: {} }, { id: 'x', match: {} }] }), semantic: true },
  { error: 'stages[1].path.steps[0].share: must be a number from 0 to 1', doc: path({ steps: [{ id: 'x', match: {}, share: 1.5 }] }) },
  { error: 'stages[1].path.steps[0].key: must be a boolean', doc: path({ steps: [{ id: 'x', match: {}, key: 'yes' }] }) },
  { error: 'stages[1].path.steps[0].label: must be a string of at most 200 characters', doc: path({ steps: [{ id: 'x', match: {}, label: ['a'] }] }) },
  { error: 'stages[1].path.steps[0].expectedWithin: invalid duration "P1Y"', doc: path({ steps: [{ id: 'x', match: {}, expectedWithin: 'P1Y' }] }) },
  { error: 'stages[1].path.steps[0].next: unknown step "nope"', doc: path({ steps: [{ id: 'x', match: {}, next: { nope: 0.5 } }] }), semantic: true },
  // a step of another stage's path is not a `next`
  { error: 'stages[1].path.steps[0].next: unknown step "y"', doc: def({ stages: [{ id: 'a', entry: { all: [] }, path: { steps: [{ id: 'y', match: {} }] } }, { id: 'b', entry: { all: [] }, path: { steps: [{ id: 'x', match: {}, next: { y: 1 } }] } }] }), semantic: true },
  { error: 'stages[1].path.steps[0].next.y: must be a number from 0 to 1', doc: path({ steps: [{ id: 'x', match: {}, next: { y: -0.1 } }, { id: 'y', match: {} }] }) },
  { error: 'stages[1].path.steps[0].match.type: must be one of "track", "page", "identify"', doc: path({ steps: [{ id: 'x', match: { type: 'screen' } }] }) },

  // exits and predicates
  { error: 'exits[0].when: required', doc: def({ exits: [{ id: 'churn' }] }) },
  { error: 'exits[1].id: duplicate exit id "churn"', doc: def({ exits: [{ id: 'churn', when: { all: [] } }, { id: 'churn', when: { all: [] } }] }), semantic: true },
  { error: 'predicates["bad name"]: invalid id "bad name"', doc: def({ predicates: { 'bad name': { all: [] } } }) },
  { error: 'predicates.a.ref: predicate cycle a → a', doc: def({ predicates: { a: { ref: 'a' } } }), semantic: true },
  { error: 'predicates.a.ref: predicate cycle a → b → a', doc: def({ predicates: { a: { ref: 'b' }, b: { ref: 'a' } } }), semantic: true },
  {
    error: 'predicates["x-1"].all[1].not.ref: predicate cycle x-1 → b → d → x-1',
    doc: def({ predicates: { 'x-1': { all: [{ ref: 'c' }, { not: { ref: 'b' } }] }, b: { any: [{ page: '/' }, { ref: 'd' }] }, c: { page: '/' }, d: { not: { ref: 'x-1' } } } }),
    semantic: true,
  },
  // 2000 nodes in all, the cycle reachable from the last ref only: the search's budget suffices
  {
    error: 'predicates.a.all[998].ref: predicate cycle a → c → a',
    doc: def({
      predicates: {
        a: { all: [...Array.from({ length: 998 }, () => ({ ref: 'b' })), { ref: 'c' }] },
        b: { all: Array.from({ length: 997 }, () => ({ page: '/' })) },
        c: { ref: 'a' },
      },
    }),
    semantic: true,
  },
  // reported at the first predicate of the cycle, in document order
  { error: 'predicates.b.ref: predicate cycle b → c → b', doc: def({ predicates: { a: { ref: 'b' }, b: { ref: 'c' }, c: { ref: 'b' } } }), semantic: true },

  // rules
  { error: 'stages[0].entry: must be an object', doc: entry('x') },
  { error: `stages[0].entry: rule must have exactly one of ${RULE_KINDS}`, doc: entry({}) },
  { error: `stages[0].entry: rule must have exactly one of ${RULE_KINDS}`, doc: entry({ event: {}, page: '/' }) },
  { error: 'stages[0].entry: unknown rule "evnt"', doc: entry({ evnt: {} }) },
  { error: 'stages[0].entry.ref: unknown predicate "x"', doc: entry({ ref: 'x' }), semantic: true },
  { error: 'stages[0].entry.ref: unknown predicate "toString"', doc: def({ stages: [{ id: 'a', entry: { ref: 'toString' } }], predicates: {} }), semantic: true },
  { error: 'stages[0].entry.stepDone: unknown step "invite"', doc: entry({ stepDone: 'invite' }), semantic: true },
  { error: 'stages[0].entry.all: must be an array', doc: entry({ all: {} }) },
  { error: 'stages[0].entry.any: must be a non-empty array', doc: entry({ any: [] }) },
  { error: 'stages[0].entry.any[1]: must be an object', doc: entry({ any: [{ all: [] }, null] }) },
  { error: 'stages[0].entry.not.not: unknown rule "nor"', doc: entry({ not: { not: { nor: [] } } }) },
  { error: 'stages[0].entry.event: unknown key "evnt"', doc: entry({ event: { evnt: 'Signed Up' } }) },
  { error: 'stages[0].entry.event.name: must be a non-empty string of at most 200 characters', doc: entry({ event: { name: '' } }) },
  { error: 'stages[0].entry.event.count: must be an integer from 1 to 10000', doc: entry({ event: { count: 0 } }) },
  { error: 'stages[0].entry.event.count: must be an integer from 1 to 10000', doc: entry({ event: { count: 2.5 } }) },
  { error: 'stages[0].entry.event.count: must be an integer from 1 to 10000', doc: entry({ event: { count: 10001 } }) },
  { error: 'stages[0].entry.event.since: must be one of "stage"', doc: entry({ event: { since: 'journey' } }) },
  { error: 'stages[0].entry.event.within: invalid duration "P"', doc: entry({ event: { within: 'P' } }) },
  { error: 'stages[0].entry.event.where: must be an array of 0 to 32 items', doc: entry({ event: { where: Array.from({ length: 33 }, () => ({ prop: 'a', op: 'exists' })) } }) },
  { error: 'stages[0].entry.event: unknown key "for"', doc: entry({ event: { for: 'P1D' } }) },
  { error: 'stages[0].entry.sequence.steps: required', doc: entry({ sequence: { mode: 'any' } }) },
  { error: 'stages[0].entry.sequence.steps: must be an array of 2 to 32 items', doc: entry({ sequence: { steps: [{ name: 'A' }] } }) },
  { error: 'stages[0].entry.sequence.mode: must be one of "ordered", "strict", "any"', doc: entry({ sequence: { steps: [{}, {}], mode: 'loose' } }) },
  { error: 'stages[0].entry.sequence.steps[1]: unknown key "count"', doc: entry({ sequence: { steps: [{}, { count: 2 }] } }) },
  { error: 'stages[0].entry.absent.for: required', doc: entry({ absent: { name: 'Login' } }) },
  { error: 'stages[0].entry.absent: unknown key "within"', doc: entry({ absent: { for: 'P1D', within: 'P1D' } }) },
  { error: 'stages[0].entry.page: invalid pattern "/a/*/b"', doc: entry({ page: '/a/*/b' }) },
  { error: 'stages[0].entry.page: invalid pattern "projects/:id"', doc: entry({ page: 'projects/:id' }) },
  { error: 'stages[0].entry.page: invalid pattern "/search?q=x"', doc: entry({ page: '/search?q=x' }) },
  { error: 'stages[0].entry.page: invalid pattern "/docs*"', doc: entry({ page: '/docs*' }) },
  { error: 'stages[0].entry.page: invalid pattern "/a/:/b"', doc: entry({ page: '/a/:/b' }) },
  { error: 'stages[0].entry.page: invalid pattern 5', doc: entry({ page: 5 }) },
  { error: 'stages[0].entry.inStage: invalid duration {…}', doc: entry({ inStage: { days: 3 } }) },
  { error: 'stages[0].entry.trait.prop: required', doc: entry({ trait: { op: 'exists' } }) },
  { error: 'stages[0].entry.trait.op: unknown operator "regex"', doc: entry({ trait: { prop: 'email', op: 'regex', value: '.*' } }) },
  { error: 'stages[0].entry.trait.op: unknown operator […]', doc: entry({ trait: { prop: 'email', op: ['eq'] } }) },
  { error: 'goal: unknown rule "goal"', doc: def({ goal: { goal: {} } }) },

  // filters
  { error: `${W}: unknown key "values"`, doc: where({ prop: 'a', op: 'in', values: ['x'] }) },
  { error: `${W}.prop: invalid property path "a..b"`, doc: where({ prop: 'a..b', op: 'exists' }) },
  { error: `${W}.prop: invalid property path "cart[0]"`, doc: where({ prop: 'cart[0]', op: 'exists' }) },
  { error: `${W}.prop: invalid property path "user.__proto__.x"`, doc: where({ prop: 'user.__proto__.x', op: 'exists' }) },
  { error: `${W}.prop: invalid property path "constructor"`, doc: where({ prop: 'constructor', op: 'exists' }) },
  { error: `${W}.prop: invalid property path "a.prototype"`, doc: where({ prop: 'a.prototype', op: 'exists' }) },
  { error: `${W}.prop: must be a string of at most 200 characters`, doc: where({ prop: 'p'.repeat(201), op: 'exists' }) },
  { error: `${W}.value: required`, doc: where({ prop: 'a', op: 'eq' }) },
  { error: `${W}.value: not allowed with "exists"`, doc: where({ prop: 'a', op: 'exists', value: true }) },
  { error: `${W}.value: not allowed with "notExists"`, doc: where({ value: null, prop: 'a', op: 'notExists' }) },
  { error: `${W}.value: must be a string, number, boolean or null`, doc: where({ prop: 'a', op: 'eq', value: { x: 1 } }) },
  { error: `${W}.value: must be a string, number, boolean or null`, doc: where({ prop: 'a', op: 'neq', value: [1] }) },
  { error: `${W}.value: must be a string of at most 1000 characters`, doc: where({ prop: 'a', op: 'eq', value: 'x'.repeat(1001) }) },
  { error: `${W}.value: must be an array of 1 to 256 items`, doc: where({ prop: 'a', op: 'in', value: [] }) },
  { error: `${W}.value: must be an array of 1 to 256 items`, doc: where({ prop: 'a', op: 'nin', value: 'pro' }) },
  { error: `${W}.value: must be an array of 1 to 256 items`, doc: where({ prop: 'a', op: 'in', value: Array.from({ length: 257 }, (_, i) => i) }) },
  { error: `${W}.value[1]: must be a string, number or boolean`, doc: where({ prop: 'a', op: 'in', value: ['a', null] }) },
  { error: `${W}.value: must be a number or a string`, doc: where({ prop: 'a', op: 'gt', value: true }) },
  { error: `${W}.value: must be a string of at most 1000 characters`, doc: where({ prop: 'a', op: 'startsWith', value: 1 }) },
  { error: `${W}.value: must be a string, number or boolean`, doc: where({ prop: 'a', op: 'contains', value: null }) },

  // limits
  { error: 'stages[0].entry' + '.not'.repeat(12) + ': rule nested deeper than 12', doc: entry(nest(12)), semantic: true },
  { error: 'stages[0].entry.all[1999]: more than 2000 rule nodes', doc: entry({ all: Array.from({ length: 2000 }, () => ({ event: {} })) }), semantic: true },
  // counted over the whole document
  {
    error: 'goal.any[0]: more than 2000 rule nodes',
    doc: def({ stages: [{ id: 'a', entry: { all: Array.from({ length: 1998 }, () => ({ page: '/' })) } }], goal: { any: [{ page: '/' }] } }),
    semantic: true,
  },
]
