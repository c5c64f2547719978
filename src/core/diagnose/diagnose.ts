import type {TimeWindow} from '../input/time-window.js'
import {buildReport} from '../report/report.js'
import type {Report, SourceResult} from '../report/types.js'

export interface DiagnoseOptions {
  accessLogs?: string[]
  tomcatLogs?: string[]
  redisUrl?: string
  window: TimeWindow
  signal?: AbortSignal
}

/** Runs every requested source concurrently; a failing source is an error section, the rest goes on. */
export async function diagnose(options: DiagnoseOptions): Promise<Report> {
  const results: SourceResult[] = []
  if (options.accessLogs?.length) results.push(notBuilt('accessLog', 'the access-log analyzer is not built yet (issue #3)'))
  if (options.tomcatLogs?.length) results.push(notBuilt('tomcatLog', 'the tomcat-log analyzer is not built yet (issue #4)'))
  if (options.redisUrl) results.push(notBuilt('redis', 'the Redis analyzers are not built yet (issues #5, #6)'))
  return buildReport({results, window: options.window})
}

function notBuilt(key: SourceResult['key'], reason: string): SourceResult {
  return {key, section: {status: 'error', reason}, findings: []}
}
