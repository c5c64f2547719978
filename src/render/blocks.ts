import type {ChalkInstance} from 'chalk'
import Table from 'cli-table3'
import {sparkline} from './chart.js'
import {escapeHtml, escapeMarkdown, sanitizeTerminal} from './escape.js'
import {displayWidth, truncateLine, wrapText} from './wrap.js'

/**
 * What a source section shows, said once in neutral blocks; text, Markdown and HTML each render
 * the blocks, so the three formats cannot disagree about a section's content.
 */
export type Block =
  | {kind: 'table'; title?: string; head: string[]; rows: string[][]}
  /** A sentence about the figures (a sample, a caveat). */
  | {kind: 'note'; text: string}
  /** A sparkline of counts over time, its label saying the period and the unit. */
  | {kind: 'chart'; title?: string; label: string; values: number[]}
  /** Lines to show as they are (a log excerpt): monospace, never reflowed. */
  | {kind: 'excerpt'; title: string; lines: string[]}

/**
 * The blocks for a terminal `width` columns wide (Infinity: as wide as they come): prose wrapped,
 * tables fitted or folded, charts summed down to fit, excerpt lines cut with an ellipsis.
 */
export function blocksToText(blocks: readonly Block[], chalk: ChalkInstance, width = Number.POSITIVE_INFINITY): string[] {
  const lines: string[] = []
  for (const block of blocks) {
    if (block.kind !== 'note' && block.title) lines.push(...wrapText(chalk.bold(sanitizeTerminal(block.title)), width))
    switch (block.kind) {
      case 'table':
        lines.push(textTable(block.head, block.rows, chalk, width))
        break
      case 'note':
        lines.push(...wrapText(sanitizeTerminal(block.text), width, {indent: '  '}))
        break
      case 'chart': {
        const chart = fitChart(block.values, width)
        const label = chart.perMark > 1 ? `${block.label} (${chart.perMark} per mark)` : block.label
        lines.push(...wrapText(sanitizeTerminal(label), width), chart.line)
        break
      }
      case 'excerpt':
        lines.push(...block.lines.map((line) => truncateLine(`    ${sanitizeTerminal(line)}`, width)))
        break
    }
  }
  return lines
}

/** A sparkline of at most `width` marks: neighbours summed `perMark` at a time when the series is longer. */
export function fitChart(values: readonly number[], width: number): {line: string; perMark: number} {
  if (values.length <= width) return {line: sparkline(values), perMark: 1}
  const perMark = Math.ceil(values.length / Math.max(1, width))
  const summed: number[] = []
  for (let i = 0; i < values.length; i += perMark) summed.push(values.slice(i, i + perMark).reduce((a, b) => a + b, 0))
  return {line: sparkline(summed), perMark}
}

export function blocksToMarkdown(blocks: readonly Block[]): string[] {
  const lines: string[] = []
  for (const block of blocks) {
    if (block.kind !== 'note' && block.title) lines.push(`**${escapeMarkdown(block.title)}**`, '')
    switch (block.kind) {
      case 'table':
        lines.push(...markdownTable(block.head, block.rows), '')
        break
      case 'note':
        lines.push(`- ${escapeMarkdown(block.text)}`, '')
        break
      case 'chart':
        lines.push(`${escapeMarkdown(block.label)}: \`${sparkline(block.values)}\``, '')
        break
      case 'excerpt':
        lines.push('```text', ...block.lines.map(fenceSafe), '```', '')
        break
    }
  }
  return lines
}

export function blocksToHtml(blocks: readonly Block[]): string[] {
  const e = escapeHtml
  const parts: string[] = []
  for (const block of blocks) {
    if (block.kind !== 'note' && block.title) parts.push(`<h4>${e(block.title)}</h4>`)
    switch (block.kind) {
      case 'table':
        parts.push(htmlTable(block.head, block.rows))
        break
      case 'note':
        parts.push(`<p class="note">${e(block.text)}</p>`)
        break
      case 'chart':
        parts.push(`<p>${e(block.label)}<br><code class="spark">${sparkline(block.values)}</code></p>`)
        break
      case 'excerpt':
        parts.push(`<pre>${e(block.lines.join('\n'))}</pre>`)
        break
    }
  }
  return parts
}

/** Narrowest a column is shrunk to (unless its longest word is narrower still)… */
const minColumn = 8
/** …and how wide a column stays so as not to break its longest word, at most. */
const keepWord = 24

/**
 * A boxed table within `width` columns: as it comes when it fits; else the widest columns shrink
 * first (cells wrap within them), each no narrower than its longest word (up to 24 columns); when
 * that does not fit either, each row becomes `head: value` lines.
 */
export function textTable(
  head: readonly string[],
  rows: readonly string[][],
  chalk: ChalkInstance,
  width = Number.POSITIVE_INFINITY,
): string {
  const heads = head.map(sanitizeTerminal)
  const cells = rows.map((row) => heads.map((_, i) => sanitizeTerminal(row[i] ?? '')))
  const natural = heads.map((h, i) => Math.max(displayWidth(h), ...cells.map((row) => displayWidth(row[i]!))))
  // Each column has a space either side and a border on its left; one more border closes the row.
  const budget = width - 3 * heads.length - 1
  const widths = [...natural]
  let total = widths.reduce((a, b) => a + b, 0)
  if (total > budget) {
    const floor = natural.map((w, i) =>
      Math.min(w, Math.max(minColumn, Math.min(keepWord, Math.max(longestWord(heads[i]!), ...cells.map((row) => longestWord(row[i]!)))))),
    )
    if (floor.reduce((a, b) => a + b, 0) > budget) return foldedTable(heads, cells, chalk, width)
    while (total > budget) {
      let widest = -1
      for (let i = 0; i < widths.length; i++) if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i
      widths[widest]!--
      total--
    }
  }
  const fitted = total < natural.reduce((a, b) => a + b, 0)
  const fitCell = (text: string, i: number): string => (fitted ? wrapText(text, widths[i]!).join('\n') : text)
  const table = new Table({
    head: heads.map((h, i) => chalk.bold(fitCell(h, i))),
    style: {head: [], border: [], compact: true},
    wordWrap: true,
    ...(fitted ? {colWidths: widths.map((w) => w + 2)} : {}),
  })
  for (const row of cells) table.push(row.map(fitCell))
  return table.toString()
}

function longestWord(text: string): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => displayWidth(w)))
}

/** The last resort for a table too wide for the terminal: each row as `head: value` lines. */
function foldedTable(heads: readonly string[], cells: readonly string[][], chalk: ChalkInstance, width: number): string {
  const lines: string[] = []
  for (const [r, row] of cells.entries()) {
    if (r > 0) lines.push('')
    for (const [i, value] of row.entries()) {
      lines.push(...wrapText(`${chalk.bold(`${heads[i]}:`)} ${value}`, width, {indent: '  ', hanging: '      '}))
    }
  }
  return lines.join('\n')
}

export function markdownTable(head: readonly string[], rows: readonly string[][]): string[] {
  return [
    `| ${head.map(escapeMarkdown).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
  ]
}

export function htmlTable(head: readonly string[], rows: readonly string[][]): string {
  const e = escapeHtml
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

/** A line inside a fenced block: no control characters, and no fence of its own. */
function fenceSafe(line: string): string {
  return sanitizeTerminal(line).replace(/`{3,}/g, (m) => '\u02cb'.repeat(m.length))
}
