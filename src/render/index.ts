import type {Report} from '../core/report/types.js'
import type {RenderOptions} from './options.js'

export const outputFormats = ['text', 'json', 'markdown', 'html', 'prometheus'] as const
export type OutputFormat = (typeof outputFormats)[number]

/**
 * Renders with the one renderer the format needs, loaded on demand: loading all of them (tables,
 * colours, HTML) took ~70 ms of every command's start-up, for a report rendered once.
 */
export async function render(report: Report, format: OutputFormat, options: RenderOptions): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).renderJson(report, options)
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(report, options)
    case 'text':
      return (await import('./text.js')).renderText(report, options)
    case 'html':
      return (await import('./html.js')).renderHtml(report, options)
    case 'prometheus':
      return (await import('./prometheus.js')).renderPrometheus(report)
  }
}

export type {RenderOptions} from './options.js'
