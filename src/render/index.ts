import type {Report} from '../core/report/types.js'
import {renderJson} from './json.js'
import {renderMarkdown} from './markdown.js'
import type {RenderOptions} from './options.js'
import {renderText} from './text.js'

export const outputFormats = ['text', 'json', 'markdown'] as const
export type OutputFormat = (typeof outputFormats)[number]

export function render(report: Report, format: OutputFormat, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report, options)
    case 'markdown':
      return renderMarkdown(report, options)
    case 'text':
      return renderText(report, options)
  }
}

export type {RenderOptions} from './options.js'
