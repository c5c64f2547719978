import {Flags} from '@oclif/core'
import {type ColumnMap, MappingError, parseMapping} from '../core/access-log/clickhouse/mapping.js'
import {parseSessionTimeout as parseTimeout} from '../core/access-log/session-timeout.js'
import {parseDuration} from '../core/input/time-window.js'
import {outputFormats} from '../render/index.js'
import {UserError} from './errors.js'

/**
 * An integer flag whose bad value is a usage error that names the range ("--count must be a
 * whole number from 10 to 10000, got 'abc'"); oclif's own integer flag gives no range.
 * `hint` says what to try instead.
 */
export const wholeNumber = Flags.custom<number, {min: number; max: number; hint: string}>({
  parse: async (input, _context, flag) => parseWholeNumber(`--${flag.name}`, input, flag.min, flag.max, flag.hint),
})

export function parseWholeNumber(name: string, input: string, min: number, max: number, hint: string): number {
  const value = /^[+-]?\d+$/.test(input.trim()) ? Number(input) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UserError(`${name} must be a whole number from ${min} to ${max}, got '${input}'`, hint)
  return value
}

/** Output and exit-code flags of every command (CONTRACT.md). */
export const reportFlags = {
  format: Flags.option({
    options: outputFormats,
    description: 'Output format (text on a terminal by default; --json is the same as --format json).',
    helpGroup: 'OUTPUT',
  })(),
  output: Flags.string({
    char: 'o',
    description:
      'Write the report to FILE instead of standard output: atomically (a temp file, then renamed), keeping its owner and mode; a symlink, device or FIFO is written through.',
    helpGroup: 'OUTPUT',
  }),
  'fail-on': Flags.option({
    options: ['warning', 'critical', 'never'] as const,
    default: 'warning' as const,
    description: 'Lowest severity that makes the exit code non-zero (1 warning, 2 critical).',
    helpGroup: 'OUTPUT',
  })(),
  color: Flags.boolean({
    allowNo: true,
    description:
      'Colour the text output: --color forces it (also when piped), --no-color turns it off. Without either: FORCE_COLOR, then NO_COLOR, TERM=dumb and a pipe or file turn it off.',
    helpGroup: 'OUTPUT',
  }),
  'show-session-ids': Flags.boolean({
    default: false,
    description: 'Show session ids as they are instead of sid:<hash> (they are credentials: keep such reports private).',
    helpGroup: 'OUTPUT',
  }),
}

/** The time window of the log commands. */
export const windowFlags = {
  since: Flags.string({description: 'Only look at log lines from this time on: ISO time or a duration before now (2h, 30m, 7d).'}),
  until: Flags.string({description: 'Only look at log lines up to this time: ISO time or a duration before now.'}),
  timezone: Flags.string({
    description: "Time zone of log times that carry none (IANA name such as Europe/Berlin, or UTC); default: this machine's.",
  }),
}

/** Connection flags of every command that talks to Redis (CONTRACT.md). */
export const redisFlags = {
  redis: Flags.string({
    description: 'Redis URL: redis://[user@]host:port/db, rediss:// for TLS. Password from SESSDOC_REDIS_PASSWORD or REDISCLI_AUTH.',
    helpGroup: 'REDIS',
  }),
  cluster: Flags.boolean({description: 'Treat the server as a Redis Cluster (also detected).', helpGroup: 'REDIS'}),
  sentinel: Flags.string({description: 'Sentinel addresses host:port[,host:port] (with --sentinel-master).', helpGroup: 'REDIS'}),
  'sentinel-master': Flags.string({description: 'Name of the master watched by the Sentinels.', helpGroup: 'REDIS'}),
  'tls-ca': Flags.string({description: 'CA certificate file (PEM) for rediss://.', helpGroup: 'REDIS'}),
  'connect-timeout': wholeNumber({
    description: 'Connect and command timeout in milliseconds, 100 to 600000 (default 3000).',
    min: 100,
    max: 600_000,
    hint: 'e.g. --connect-timeout 3000 (three seconds)',
    helpGroup: 'REDIS',
  }),
  host: Flags.string({
    description: "Redis host, as redis-cli's -h (here --host only: -h is help); overrides the host of --redis.",
    helpGroup: 'REDIS',
  }),
  port: wholeNumber({
    char: 'p',
    description: 'Redis port, 1 to 65535, as redis-cli -p; overrides the port of --redis.',
    min: 1,
    max: 65_535,
    hint: 'e.g. --port 6379',
    helpGroup: 'REDIS',
  }),
  pass: Flags.string({
    char: 'a',
    description: 'Redis password, as redis-cli -a. It shows in ps and the shell history: prefer SESSDOC_REDIS_PASSWORD or REDISCLI_AUTH.',
    helpGroup: 'REDIS',
  }),
  db: wholeNumber({
    char: 'n',
    description: 'Database number, 0 to 65535, as redis-cli -n (overrides the URL path).',
    min: 0,
    max: 65_535,
    hint: 'e.g. --db 0 (the default database)',
    helpGroup: 'REDIS',
  }),
  replica: Flags.boolean({
    description: 'Read from a replica when one exists, so that an audit does not load the primary.',
    helpGroup: 'REDIS',
  }),
}

/** How to read access logs: shared by access-log and diagnose (defaults applied by the analyzer). */
export const accessLogFlags = {
  'log-format': Flags.string({
    description:
      'Log format: combined-cookie, combined-cookie-header, combined-balancer, combined, common, nginx-cookie, nginx-combined, haproxy, a LogFormat nickname from --apache-conf, or the LogFormat / nginx log_format string itself. Default: detected from the first lines.',
    helpGroup: 'ACCESS LOG',
  }),
  workers: Flags.string({
    description: 'Known backend routes (jvmRoute values), comma-separated, e.g. node1,node2.',
    helpGroup: 'ACCESS LOG',
  }),
  cookie: Flags.string({
    description: 'Session cookie name (default JSESSIONID; SESSION for Spring Session, whose value is Base64).',
    helpGroup: 'ACCESS LOG',
  }),
  'route-separator': Flags.string({description: 'What separates the session id from its route (default .).', helpGroup: 'ACCESS LOG'}),
  'session-timeout': Flags.string({
    description: 'Session timeout of the app: sessions idle longer are forgotten (default 30m).',
    helpGroup: 'ACCESS LOG',
  }),
  map: Flags.custom<ColumnMap>({
    parse: async (input) => {
      try {
        return parseMapping(input, '--map')
      } catch (error) {
        if (error instanceof MappingError) throw new UserError(error.message, error.hint)
        throw error
      }
    },
  })({
    description:
      'A ClickHouse access log (clickhouse://user@host:8123/db.table, the password from SESSDOC_CLICKHOUSE_PASSWORD): its columns by role, e.g. time=ts,session=jsessionid. The roles: time, order (a sequence), session, route, client, agent, path, status, setcookie. Roles left out take a common column name.',
    helpGroup: 'ACCESS LOG',
  }),
}

/** `--session-timeout 30m` in milliseconds; a usage error when unreadable. */
export function parseSessionTimeout(spec: string | undefined): number | undefined {
  if (spec === undefined) return undefined
  const parsed = parseTimeout(spec)
  if (!parsed.ok) throw new UserError(`--session-timeout: ${parsed.error}`, 'e.g. --session-timeout 30m (the servlet default)')
  return parsed.value
}

/**
 * A duration flag (`30m`, `90s`, `1h`; a bare number is minutes) in milliseconds, between `min` and
 * `max`; a bad value is a usage error that names the range. `hint` says what to try instead. The
 * help shows its default as it is typed (`[default: 10s]`), not in milliseconds.
 */
export const durationFlag = Flags.custom<number, {min: number; max: number; hint: string}>({
  defaultHelp: async ({options}) => (typeof options.default === 'number' ? msText(options.default) : undefined),
  parse: async (input, _context, flag) => {
    const parsed = parseDuration(input)
    const name = `--${flag.name}`
    if (!parsed.ok) throw new UserError(`${name}: ${parsed.error}`, flag.hint)
    if (parsed.value < flag.min || parsed.value > flag.max)
      throw new UserError(`${name} must be from ${msText(flag.min)} to ${msText(flag.max)}, got '${input}'`, flag.hint)
    return parsed.value
  },
})

/** Milliseconds as a duration flag takes them: the largest unit that divides them (40m, 10s, 1d). */
export function msText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  return `${ms / 1000}s`
}
