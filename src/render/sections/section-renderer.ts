import type {ChalkInstance} from 'chalk'
import Table from 'cli-table3'
import type {SourceSection} from '../../core/report/types.js'
import {escapeMarkdown, sanitizeTerminal} from '../escape.js'
import type {RenderOptions} from '../options.js'

export interface TextContext {
  options: RenderOptions
  chalk: ChalkInstance
}

/** How one source section shows its figures; the verdict and findings are rendered elsewhere. */
export interface SectionRenderer<S extends SourceSection = SourceSection> {
  title: string
  text(section: S, context: TextContext): string[]
  markdown(section: S, options: RenderOptions): string[]
}

const reserved = new Set(['status', 'reason', 'partial', 'errors'])

export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–'
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(3)
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return JSON.stringify(value)
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
}

/** The section's scalar figures as label/value rows. */
export function scalarRows(section: SourceSection): Array<[string, string]> {
  return Object.entries(section)
    .filter(([key, value]) => !reserved.has(key) && isScalar(value))
    .map(([key, value]) => [humanize(key), formatValue(value)])
}

/** Objects of scalars (e.g. routes → requests), one table each. */
export function mapTables(section: SourceSection): Array<{title: string; rows: Array<[string, string]>}> {
  return Object.entries(section)
    .filter(([key, value]) => !reserved.has(key) && value && typeof value === 'object' && !Array.isArray(value))
    .filter(([, value]) => Object.values(value as object).every(isScalar))
    .map(([key, value]) => ({
      title: humanize(key),
      rows: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, formatValue(v)] as [string, string]),
    }))
}

export function textTable(head: string[], rows: string[][], context: TextContext): string {
  const table = new Table({
    head: head.map((h) => context.chalk.bold(sanitizeTerminal(h))),
    style: {head: [], border: [], compact: true},
    wordWrap: true,
  })
  for (const row of rows) table.push(row.map(sanitizeTerminal))
  return table.toString()
}

export function markdownTable(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.map(escapeMarkdown).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
  ]
}

/** The figures every section shows when it has no renderer of its own. */
export function genericRenderer(title: string): SectionRenderer {
  return {
    title,
    text(section, context) {
      const lines: string[] = []
      const rows = scalarRows(section)
      if (rows.length > 0) lines.push(textTable(['Figure', 'Value'], rows, context))
      for (const map of mapTables(section)) {
        if (map.rows.length > 0) lines.push(textTable([map.title, 'Count'], map.rows, context))
      }
      return lines
    },
    markdown(section) {
      const lines: string[] = []
      const rows = scalarRows(section)
      if (rows.length > 0) lines.push(...markdownTable(['Figure', 'Value'], rows), '')
      for (const map of mapTables(section)) {
        if (map.rows.length > 0) lines.push(...markdownTable([map.title, 'Count'], map.rows), '')
      }
      return lines
    },
  }
}
