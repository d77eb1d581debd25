"""The site's one stylesheet: light and dark by ``prefers-color-scheme``, readable from a
phone (tables scroll sideways inside their box, never the page) to a wide screen."""

from __future__ import annotations

CSS = """\
:root {
  --bg: #ffffff; --fg: #1d2330; --muted: #5b6474; --line: #dde2ea; --panel: #f5f7fa;
  --accent: #4b3fd1; --link: #3a2fc0;
  --none: #6b7280; --staging: #a15c00; --production: #11813a; --archived: #7a7f8a;
  --ok: #11813a; --bad: #c0262d; --run: #a15c00;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151c; --fg: #e6e9ef; --muted: #9aa3b2; --line: #2c3240; --panel: #1b1f29;
    --accent: #9d94ff; --link: #b3abff;
    --none: #9aa3b2; --staging: #f0a848; --production: #4cd07d; --archived: #8b919c;
    --ok: #4cd07d; --bad: #ff6b70; --run: #f0a848;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0.75rem 1rem; }
header { border-bottom: 1px solid var(--line); }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); }
a { color: var(--link); }
h1 { font-size: 1.5rem; margin: 0.5rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.4rem; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.85em; }
.crumbs { overflow-wrap: anywhere; }
.crumbs .sep { color: var(--muted); }
.muted, .empty { color: var(--muted); }
.description { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 70rem; }
.table-wrap { overflow-x: auto; max-width: 100%; border: 1px solid var(--line);
  border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td { max-width: 28rem; overflow-wrap: break-word; }
time { white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.8em;
  word-break: break-all; }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem;
  margin: 0; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem;
  border: 1px solid currentColor; white-space: nowrap; }
.stage-none { color: var(--none); }
.stage-staging { color: var(--staging); }
.stage-production { color: var(--production); font-weight: 600; }
.stage-archived { color: var(--archived); }
.status-completed { color: var(--ok); }
.status-failed { color: var(--bad); }
.status-running { color: var(--run); }
.tag { display: inline-block; background: var(--panel); border: 1px solid var(--line);
  border-radius: 4px; padding: 0 0.35rem; font-size: 0.8rem; margin: 0 0.15rem 0.15rem 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
  gap: 1rem; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem;
  background: var(--panel); }
.chart figcaption { font-weight: 600; overflow-wrap: anywhere; }
.chart svg { width: 100%; height: auto; display: block; color: var(--muted); }
.chart .axis { stroke: var(--line); stroke-width: 1; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.chart .point { fill: var(--accent); }
.chart a:hover .point, .chart a:focus .point { fill: var(--fg); }
.chart text { fill: currentColor; font-size: 14px; }
.run { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem;
  margin-bottom: 1rem; }
.error { color: var(--bad); white-space: pre-wrap; overflow-wrap: anywhere; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  header, main, footer { padding: 0.5rem 0.6rem; }
  .fields { grid-template-columns: 1fr; }
  .fields dt { margin-top: 0.4rem; }
  .charts { grid-template-columns: 1fr; }
}
"""
