import {countBySeverity} from '../core/report/report.js'
import {scrubReport} from '../core/report/scrub.js'
import type {Report, Severity, Status, TimelineBucket} from '../core/report/types.js'
import {blocksToHtml} from './blocks.js'
import {causeLabel, notChecked, orderedCauses} from './diagnosis.js'
import {escapeHtml} from './escape.js'
import type {RenderOptions} from './options.js'
import {sectionBlocks, sectionViews, sourceOrder} from './sections/index.js'

const colours: Record<Status | Severity, string> = {
  ok: '#1a7f37',
  warning: '#9a6700',
  critical: '#cf222e',
  unknown: '#57606a',
  info: '#0969da',
}

/** One self-contained file to attach to an incident: no script, no network, an inline SVG timeline. */
export function renderHtml(input: Report, options: RenderOptions = {}): string {
  const report = scrubReport(input, options)
  const counts = countBySeverity(report.findings)
  const e = escapeHtml
  const parts: string[] = []
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`)
  parts.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`)
  parts.push(`<title>sessdoc: ${e(report.status.toUpperCase())}</title><style>${css}</style></head><body>`)
  parts.push(
    `<header><h1 id="verdict" style="color:${colours[report.status]}">${e(report.status.toUpperCase())}${report.partial ? ' (partial)' : ''}</h1>`,
  )
  parts.push(
    `<p>${counts.critical} critical, ${counts.warning} warning, ${counts.info} info. Generated ${e(report.generatedAt)} by sessdoc ${e(report.tool.version)}.</p></header>`,
  )

  const playbooks = report.diagnosis?.playbooks ?? []
  if (playbooks.length > 0) {
    parts.push('<section id="causes"><h2>Likely causes</h2>')
    for (const playbook of playbooks) {
      parts.push(`<h3>${e(playbook.symptom)}</h3><ol>`)
      for (const cause of orderedCauses(playbook.causes)) {
        const {prefix, missing} = notChecked(cause)
        const notes = [...cause.evidence, ...missing.map((m) => `${prefix}${m}`)]
        parts.push(
          `<li><strong>${e(cause.cause)}</strong> <span class="tag">${e(causeLabel(cause))}</span>${notes.length ? `<ul>${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}</li>`,
        )
      }
      parts.push('</ol>')
    }
    parts.push('</section>')
  }

  const timeline = report.diagnosis?.timeline ?? []
  if (timeline.length > 0) parts.push(`<section id="timeline"><h2>Timeline</h2>${timelineSvg(timeline)}</section>`)

  parts.push('<section id="findings"><h2>Findings</h2>')
  if (report.findings.length === 0) parts.push('<p>No findings.</p>')
  for (const f of report.findings) {
    parts.push(
      `<article class="finding ${f.severity}" data-id="${e(f.id)}"><h3><span class="sev" style="background:${colours[f.severity]}">${e(f.severity)}</span> ${e(f.title)} <code>${e(f.id)}</code></h3>`,
    )
    parts.push(`<p>${e(f.detail).replace(/\n/g, '<br>')}</p>`)
    if (f.causes.length) parts.push(`<p><strong>Likely causes:</strong> ${e(f.causes.join('; '))}</p>`)
    if (f.actions.length) parts.push(`<p><strong>Do next:</strong></p><ul>${f.actions.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`)
    parts.push('</article>')
  }
  parts.push('</section><section id="sources"><h2>Sources</h2>')
  for (const key of sourceOrder) {
    const section = report.sources[key]
    if (!section) continue
    parts.push(`<h3>${e(sectionViews[key].title)}: ${e(section.status)}${section.partial ? ' (partial)' : ''}</h3>`)
    if (section.reason) parts.push(`<p>${e(section.reason)}</p>`)
    if (section.errors?.length) parts.push(`<ul>${section.errors.map((x) => `<li>${e(x.message)}</li>`).join('')}</ul>`)
    parts.push(...blocksToHtml(sectionBlocks(key, section)))
  }
  parts.push('</section></body></html>\n')
  return parts.join('\n')
}

const series: Array<{key: keyof TimelineBucket; label: string; colour: string}> = [
  {key: 'requests', label: 'requests', colour: '#57606a'},
  {key: 'flips', label: 'route flips', colour: '#cf222e'},
  {key: 'newSessions', label: 'new sessions', colour: '#0969da'},
  {key: 'appErrors', label: 'app errors', colour: '#9a6700'},
  {key: 'redisErrors', label: 'Redis errors', colour: '#8250df'},
]

/** Bars per bucket for each series, restarts as vertical lines. */
export function timelineSvg(buckets: readonly TimelineBucket[]): string {
  const width = 900
  const rowHeight = 60
  const left = 170
  const plot = width - left - 10
  const barWidth = plot / buckets.length
  const shown = series.filter((s) => buckets.some((b) => Number(b[s.key]) > 0))
  const height = Math.max(1, shown.length) * rowHeight + 30
  const out: string[] = [
    `<svg id="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="timeline">`,
  ]
  shown.forEach((s, row) => {
    const values = buckets.map((b) => Number(b[s.key]) || 0)
    const max = Math.max(1, ...values)
    const base = (row + 1) * rowHeight
    out.push(`<text x="0" y="${base - 20}" font-size="12">${escapeHtml(s.label)} (max ${Math.max(0, ...values)})</text>`)
    values.forEach((v, i) => {
      if (v <= 0) return
      const h = (v / max) * (rowHeight - 10)
      out.push(
        `<rect class="bar ${s.key}" x="${(left + i * barWidth).toFixed(1)}" y="${(base - h).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.colour}"><title>${escapeHtml(buckets[i]!.start)}: ${v}</title></rect>`,
      )
    })
  })
  buckets.forEach((b, i) => {
    if (b.restarts > 0)
      out.push(
        `<line class="restart" x1="${(left + i * barWidth).toFixed(1)}" x2="${(left + i * barWidth).toFixed(1)}" y1="0" y2="${height - 25}" stroke="#000" stroke-dasharray="4 3"><title>restart ${escapeHtml(b.start)}</title></line>`,
      )
  })
  const first = buckets[0]?.start ?? ''
  const last = buckets.at(-1)?.start ?? ''
  out.push(
    `<text x="${left}" y="${height - 5}" font-size="11">${escapeHtml(first)}</text><text x="${width - 10}" y="${height - 5}" font-size="11" text-anchor="end">${escapeHtml(last)}</text>`,
  )
  out.push('</svg>')
  return out.join('')
}

const css = `body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1f2328}
h1{margin:0}code{font-size:12px;color:#57606a}.finding{border-left:4px solid #d0d7de;padding:.2em 1em;margin:1em 0}
.finding.critical{border-color:#cf222e}.finding.warning{border-color:#9a6700}.finding.info{border-color:#0969da}
.sev{color:#fff;border-radius:3px;padding:0 .4em;font-size:12px;text-transform:uppercase}.tag{font-size:12px;color:#57606a}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:2px 8px;text-align:left}`
