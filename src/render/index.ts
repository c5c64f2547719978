import type {Report} from '../core/report/types.js'
import {renderHtml} from './html.js'
import {renderJson} from './json.js'
import {renderMarkdown} from './markdown.js'
import type {RenderOptions} from './options.js'
import {renderPrometheus} from './prometheus.js'
import {renderText} from './text.js'

export const outputFormats = ['text', 'json', 'markdown', 'html', 'prometheus'] as const
export type OutputFormat = (typeof outputFormats)[number]

export function render(report: Report, format: OutputFormat, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report, options)
    case 'markdown':
      return renderMarkdown(report, options)
    case 'text':
      return renderText(report, options)
    case 'html':
      return renderHtml(report, options)
    case 'prometheus':
      return renderPrometheus(report)
  }
}

export type {RenderOptions} from './options.js'
