// Loaded after dist/desire-path.iife.js, which defines window.desirePath.
const dp = desirePath.createTracker({ endpoint: '/v1/batch' })
dp.page({ name: 'Pricing' })
document.getElementById('trial').addEventListener('click', () => dp.track('Trial Started', { plan: 'pro' }))
