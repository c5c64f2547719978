/**
 * Which files of a Tomcat logs directory hold the application log. Tomcat writes the same JULI
 * events to catalina.out (with the application's console output) and to catalina.YYYY-MM-DD.log:
 * reading both counts every restart and error twice. The web applications' own log records
 * (StandardSession's "Cannot serialize session attribute") go to localhost.YYYY-MM-DD.log.
 */
export interface TomcatLogsChoice {
  /** File names to read, in the order given. */
  names: string[]
  /** What was read and what was left out, when there was a choice to make; null otherwise. */
  note: string | null
}

const catalinaOut = /^catalina\.out(?:[.-][\w.-]*)?$/
const datedCatalina = /^catalina\.\d{4}-\d\d-\d\d\.log(?:\.gz)?$/
const accessLog = /access[_.-]?log/i

/** Picks catalina.out or the dated catalina logs (never both), always the localhost logs; leaves out access logs. */
export function chooseTomcatLogs(names: readonly string[]): TomcatLogsChoice {
  const outs = names.filter((n) => catalinaOut.test(n))
  const dated = names.filter((n) => datedCatalina.test(n))
  const access = names.filter((n) => accessLog.test(n))
  if (outs.length === 0 && dated.length === 0) return {names: [...names], note: null}
  // catalina.out holds the application's console output too (Spring Boot, printStackTrace).
  const leftOut = new Set([...(outs.length > 0 ? dated : []), ...access])
  const chosen = names.filter((n) => !leftOut.has(n))
  const parts = [`read ${outs.length > 0 ? 'catalina.out' : 'the dated catalina.*.log files'}`]
  if (names.some((n) => n.startsWith('localhost.') && !accessLog.test(n))) parts[0] += ' and localhost.*.log'
  if (outs.length > 0 && dated.length > 0)
    parts.push(`left out ${dated.length} dated catalina.*.log file(s): the same events as catalina.out`)
  if (access.length > 0) parts.push(`left out ${access.length} access log(s): give them to access-log`)
  return {names: chosen, note: parts.join('; ')}
}
