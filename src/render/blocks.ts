import type {ChalkInstance} from 'chalk'
import Table from 'cli-table3'
import {sparkline} from './chart.js'
import {escapeHtml, escapeMarkdown, sanitizeTerminal} from './escape.js'

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

export function blocksToText(blocks: readonly Block[], chalk: ChalkInstance): string[] {
  const lines: string[] = []
  for (const block of blocks) {
    if (block.kind !== 'note' && block.title) lines.push(chalk.bold(sanitizeTerminal(block.title)))
    switch (block.kind) {
      case 'table':
        lines.push(textTable(block.head, block.rows, chalk))
        break
      case 'note':
        lines.push(`  ${sanitizeTerminal(block.text)}`)
        break
      case 'chart':
        lines.push(sanitizeTerminal(block.label), sparkline(block.values))
        break
      case 'excerpt':
        lines.push(...block.lines.map((line) => `    ${sanitizeTerminal(line)}`))
        break
    }
  }
  return lines
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

export function textTable(head: readonly string[], rows: readonly string[][], chalk: ChalkInstance): string {
  const table = new Table({
    head: head.map((h) => chalk.bold(sanitizeTerminal(h))),
    style: {head: [], border: [], compact: true},
    wordWrap: true,
  })
  for (const row of rows) table.push(row.map(sanitizeTerminal))
  return table.toString()
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
