import type {Report} from './types.js'

export type FailOn = 'warning' | 'critical' | 'never'

export const ExitCode = {ok: 0, warning: 1, critical: 2, unknown: 3} as const

/** The monitoring-plugin convention of CONTRACT.md, from the report alone. */
export function exitCodeFor(report: Pick<Report, 'status'>, failOn: FailOn = 'warning'): number {
  if (report.status === 'unknown') return ExitCode.unknown
  if (failOn === 'never') return ExitCode.ok
  if (report.status === 'critical') return ExitCode.critical
  if (report.status === 'warning' && failOn === 'warning') return ExitCode.warning
  return ExitCode.ok
}
