import type {Report} from '../core/report/types.js'
import type {RenderOptions} from './options.js'
import {scrubReport} from './scrub-report.js'

/** The JSON report of CONTRACT.md, schemaVersion 1. */
export function renderJson(report: Report, options: RenderOptions = {}): string {
  return JSON.stringify(scrubReport(report, options), null, 2) + '\n'
}
