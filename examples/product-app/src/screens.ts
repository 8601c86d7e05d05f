// The app's screens and what each button records: the B2B SaaS journey's events
// (examples/journeys/b2b-saas.json), the same names `npm run demo -- --simulate` plants.

export interface Action {
  /** the event tracked when the button is pressed */
  event: string
  label: string
  properties?: Record<string, string>
  /** one press is enough (the button then shows it is done) */
  once?: boolean
}

export interface Screen {
  route: string
  /** the page view's name */
  name: string
  title: string
  intro: string
  actions: Action[]
}

export const SCREENS: Screen[] = [
  {
    route: 'setup',
    name: 'Setup',
    title: 'Set up your workspace',
    intro: 'Create a workspace, connect your data and bring a teammate.',
    actions: [
      { event: 'Workspace Created', label: 'Create a workspace', once: true },
      { event: 'Data Source Connected', label: 'Connect Postgres', properties: { source: 'postgres' }, once: true },
      { event: 'Teammate Invited', label: 'Invite a teammate', properties: { role: 'editor' } },
    ],
  },
  {
    route: 'dashboards',
    name: 'Dashboards',
    title: 'Dashboards',
    intro: 'Share a dashboard with your team (twice, and you are adopting).',
    actions: [
      { event: 'Dashboard Shared', label: 'Share “Weekly revenue”', properties: { dashboard: 'weekly-revenue' } },
      { event: 'Search Performed', label: 'Search dashboards' },
    ],
  },
  {
    route: 'integrations',
    name: 'Integrations',
    title: 'Integrations and reports',
    intro: 'Send alerts to Slack and schedule a weekly report.',
    actions: [
      { event: 'Integration Enabled', label: 'Enable Slack', properties: { integration: 'slack' }, once: true },
      { event: 'Report Scheduled', label: 'Schedule a weekly report', properties: { every: 'week' }, once: true },
    ],
  },
  {
    route: 'billing',
    name: 'Billing',
    title: 'Plan and seats',
    intro: 'Upgrade to the Team plan, add seats, configure single sign-on.',
    actions: [
      { event: 'Plan Upgraded', label: 'Upgrade to Team', properties: { plan: 'team' }, once: true },
      { event: 'Seat Added', label: 'Add a seat' },
      { event: 'SSO Configured', label: 'Configure SSO', properties: { provider: 'okta' }, once: true },
    ],
  },
  {
    route: 'community',
    name: 'Community',
    title: 'Community',
    intro: 'Refer a friend, post in the community, tell your story.',
    actions: [
      { event: 'Referral Sent', label: 'Refer a friend' },
      { event: 'Community Post Created', label: 'Write a post' },
      { event: 'Case Study Published', label: 'Publish a case study', once: true },
    ],
  },
]
