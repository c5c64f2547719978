import {Flags, type Interfaces} from '@oclif/core'
import {parseList} from '../core/input/parse-list.js'
import {checkTimeZone} from '../core/input/time-zone.js'
import {type WatchEvent, WatchInputError, type WatchInterval, type WatchOptions} from '../core/watch/index.js'
import {sanitizeTerminal} from '../render/escape.js'
import {watchEventLine, watchIntervalLine} from '../render/sections/watch.js'
import {UserError} from './errors.js'
import {accessLogFlags, durationFlag, parseSessionTimeout, wholeNumber} from './flags.js'

const many = (description: string) => Flags.string({multiple: true, description})
const threshold = (what: string) =>
  wholeNumber({
    description: `Exit 2 as soon as more than N ${what} (0: the first one).`,
    min: 0,
    max: 1_000_000_000,
    hint: 'e.g. --max-lost 0',
  })

/** The flags of watch (its own, and access-log's ways of reading a log). */
export const watchFlags = {
  'access-log': many('Access log to follow like tail -F: a plain file, or - for standard input (repeatable).'),
  'tomcat-log': many(
    'Application log (catalina.out) whose stops and starts are shown; the node is taken from the path (…/node2/…) (repeatable).',
  ),
  balancer: many(
    'http(s)://host/balancer-manager, an HAProxy stats URL, or unix:/path/admin.sock: member states read every interval (repeatable).',
  ),
  'from-start': Flags.boolean({description: 'Read the files from their start (replay), then follow them.'}),
  interval: durationFlag({
    description: 'One line every interval.',
    min: 200,
    max: 3_600_000,
    hint: 'e.g. --interval 10s',
    default: 10_000,
  }),
  duration: durationFlag({
    description: 'End after this long (default: until Ctrl-C, SIGTERM or a threshold).',
    min: 200,
    max: 30 * 86_400_000,
    hint: 'e.g. --duration 15m',
  }),
  'max-lost': threshold('sessions are lost'),
  'max-misrouted': threshold('requests are misrouted'),
  ...accessLogFlags,
  timezone: Flags.string({description: "Time zone of log times that carry none (IANA name, or UTC); default: this machine's."}),
}

type Parsed = Interfaces.InferredFlags<typeof watchFlags> & {'show-session-ids': boolean}

/** Where the live lines go: stdout for a text report not written to a file when stderr is no terminal; else stderr. */
export function liveWriter(format: string, output: string | undefined): (line: string) => void {
  const stream = format === 'text' && !output && !process.stderr.isTTY ? process.stdout : process.stderr
  return (line) => stream.write(`${sanitizeTerminal(line)}\n`)
}

/** watch's options from its flags; the live lines written with `write`. */
export function watchOptions(flags: Parsed, signal: AbortSignal, write: (line: string) => void): WatchOptions {
  const accessLogs = flags['access-log'] ?? []
  if (accessLogs.length === 0)
    throw new UserError('--access-log is required', 'give the live access log of the balancer, e.g. --access-log /var/log/httpd/access_log')
  if (accessLogs.filter((p) => p === '-').length > 1) throw new UserError('standard input (-) can be given once')
  const zoneError = flags.timezone === undefined ? null : checkTimeZone(flags.timezone)
  if (zoneError) throw new UserError(`--timezone: ${zoneError}`)
  const separator = flags['route-separator'] ?? '.'
  return {
    accessLogs,
    tomcatLogs: flags['tomcat-log'] ?? [],
    balancers: flags.balancer ?? [],
    fromStart: flags['from-start'],
    intervalMs: flags.interval,
    durationMs: flags.duration,
    maxLost: flags['max-lost'],
    maxMisrouted: flags['max-misrouted'],
    timeZone: flags.timezone,
    access: {
      window: {since: null, until: null},
      logFormat: flags['log-format'],
      workers: parseList(flags.workers),
      cookieName: flags.cookie,
      routeSeparator: separator,
      sessionTimeoutMs: parseSessionTimeout(flags['session-timeout']),
      timeZone: flags.timezone,
      redact: {showSessionIds: flags['show-session-ids'], routeSeparator: separator},
    },
    signal,
    onInterval: (i: WatchInterval) => write(watchIntervalLine(i)),
    onEvent: (e: WatchEvent) => write(watchEventLine(e)),
    onNotice: (message: string) => process.stderr.write(`sessdoc: ${sanitizeTerminal(message)}\n`),
  }
}

/** A watch that cannot begin is the user's to fix (exit 3). */
export function watchUsageError(error: unknown): never {
  if (error instanceof WatchInputError)
    throw new UserError(error.message, 'watch follows plain files (not .gz, not a directory); see sessdoc watch --help')
  throw error
}
