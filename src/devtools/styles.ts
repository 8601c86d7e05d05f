// The overlay's look: one constructable stylesheet adopted by its shadow root, so a strict
// CSP (no 'unsafe-inline' styles) is fine and nothing leaks in or out of the page.

// Colours are custom properties: light by default, dark with prefers-color-scheme; each
// text/background pair keeps a contrast of 4.5:1 or more. The host needs no `display`:
// position:fixed makes it a block.
const CSS = `:host{all:initial;position:fixed;right:12px;bottom:12px;z-index:2147483600;font:12px/1.45 system-ui,sans-serif;color:var(--fg);color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mu:#57606a;--bd:#d0d7de;--ac:#0550ae;--e:#cf222e;--sub:#f6f8fa;--sb:#fff8c5;--sf:#3b2300}
@media (prefers-color-scheme:dark){:host{--bg:#161b22;--fg:#e6edf3;--mu:#9da7b3;--bd:#3d444d;--ac:#58a6ff;--e:#ff7b72;--sub:#0d1117;--sb:#3b2e00;--sf:#f2cc60}}
*{box-sizing:border-box}
[hidden]{display:none!important}
.box{display:flex;flex-flow:column;width:min(380px,calc(100vw - 16px));max-height:min(560px,calc(100vh - 16px));background:var(--bg);border:1px solid var(--bd);border-radius:8px;box-shadow:0 8px 24px #0004;overflow:hidden}
.hd{display:flex;justify-content:space-between;padding:4px 6px 4px 10px;background:var(--sub)}
.hd,.badge{cursor:grab;touch-action:none;user-select:none}
button,select{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--bd);border-radius:4px;padding:2px 8px;cursor:pointer}
:focus-visible{outline:2px solid var(--ac);outline-offset:1px}
.badge{max-width:260px;padding:5px 12px;border-radius:99px;box-shadow:0 4px 14px #0004;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
[role=tablist]{display:flex;border-block:1px solid var(--bd)}
[role=tab]{flex:1;border:0;border-bottom:2px solid transparent;border-radius:0}
[aria-selected=true]{border-bottom-color:var(--ac);font-weight:600}
[role=tabpanel]{flex:1;min-height:90px;padding:4px 10px 8px;overflow:auto}
.sim{display:flex;justify-content:space-between;gap:6px;padding:5px 10px;background:var(--sb);color:var(--sf);font-weight:600}
.act{display:flex;flex-wrap:wrap;gap:4px;padding:6px 10px;border-top:1px solid var(--bd)}
.st,.m,dt,h3{color:var(--mu)}
.st{margin:0 10px 6px}
h3{margin:10px 0 3px;font-size:11px;text-transform:uppercase}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}
dd,li{margin:0;overflow-wrap:anywhere}
p{margin:3px 0}
ul,ol{margin:0;padding-left:18px}
progress{width:100%;accent-color:var(--ac)}
.e{color:var(--e)}`

/** Adopts the overlay's stylesheet into `root` (nothing where constructable stylesheets are missing). */
export function adoptStyles(root: ShadowRoot, win: Window | null): boolean {
  const Sheet = (win as unknown as { CSSStyleSheet?: typeof CSSStyleSheet } | null)?.CSSStyleSheet
  if (!Sheet || !('adoptedStyleSheets' in root)) return false
  const sheet = new Sheet()
  sheet.replaceSync(CSS)
  root.adoptedStyleSheets = [sheet]
  return true
}
