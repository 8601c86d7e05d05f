// The page view, named by the page's <meta name="dp-page"> ("Pricing"): the journey's rules
// and the learner see a name, not a URL. The snippet (data-page="false") leaves it to this
// file; its stub keeps the call until the build has loaded. A file, not an inline script,
// so the page's policy stays the snippet's hash and 'self'.
desirePath.page({ name: document.querySelector('meta[name="dp-page"]')?.content || document.title })
