import {Command, type Interfaces} from '@oclif/core'
import createDebug from 'debug'
import {didYouMean} from '../core/did-you-mean.js'
import {parseTimeWindow, type TimeWindow} from '../core/input/time-window.js'
import {checkTimeZone} from '../core/input/time-zone.js'
import {ExitCode, exitCodeFor, type FailOn} from '../core/report/exit-code.js'
import {markInterrupted, unknownReasons} from '../core/report/report.js'
import type {Report} from '../core/report/types.js'
import {sanitizeTerminal} from '../render/escape.js'
import {type OutputFormat, render} from '../render/index.js'
import {StdoutError, UserError} from './errors.js'
import {reportFlags} from './flags.js'
import {guardStdout, writeReportFile, writeStdout} from './output.js'
import {type Activity, activity} from './progress-bar.js'
import {terminalWidth, useColor} from './terminal.js'

const debug = createDebug('sessdoc:command')

export type BaseFlags = Interfaces.InferredFlags<typeof reportFlags> & {json?: boolean}

/**
 * What every sessdoc command shares: the output flags, rendering once to stdout or a file, the
 * exit code from the report, short usage errors (exit 3, also under --json), and Ctrl-C that
 * stops the analysis and still prints what was found.
 */
export abstract class SessdocCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = reportFlags
  /** Why this command takes no --since / --until (what it reads has no time), for the usage error when they are given. */
  static readsNoTimeWindow?: string

  /** The last report this command produced (for tests and programmatic use). */
  report?: Report
  protected readonly abortController = new AbortController()
  /** The "working… N s" line on a terminal while the command runs (not under JSON, nor when piped). */
  private activity?: Activity
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.abortController.signal.aborted) process.exit(130)
    process.stderr.write(`\nsessdoc: ${signal}: stopping, the report will cover what was read so far (again to quit at once)\n`)
    this.abortController.abort()
  }

  override async init(): Promise<void> {
    guardStdout()
    await super.init()
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
    if (showsActivity(this.id, this.argv))
      this.activity = activity(process.stderr, `sessdoc ${(this.id ?? '').replaceAll(':', ' ')}`, {toFile: writesToFile(this.argv)})
  }

  override async finally(error: Error | undefined): Promise<void> {
    this.activity?.stop()
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    return super.finally(error)
  }

  protected get signal(): AbortSignal {
    return this.abortController.signal
  }

  protected timeWindow(flags: {since?: string; until?: string; timezone?: string}): TimeWindow {
    const zoneError = flags.timezone === undefined ? null : checkTimeZone(flags.timezone)
    if (zoneError) throw new UserError(`--timezone: ${zoneError}`)
    const parsed = parseTimeWindow(flags.since, flags.until)
    if (!parsed.ok) throw new UserError(parsed.error)
    return parsed.value
  }

  /** Renders the report once, writes it, and sets the exit code. */
  protected async emit(report: Report, flags: BaseFlags): Promise<void> {
    this.report = report
    this.activity?.stop()
    if (this.signal.aborted) markInterrupted(report)
    const format: OutputFormat = flags.json ? 'json' : (flags.format ?? 'text')
    const toTerminal = !flags.output && process.stdout.isTTY === true
    const terminal = {isTTY: toTerminal, columns: process.stdout.columns, env: process.env, colorFlag: flags.color}
    const color = format === 'text' && useColor(terminal)
    const text = await render(report, format, {color, width: terminalWidth(terminal), showSessionIds: flags['show-session-ids']})
    if (flags.output) await writeReportFile(flags.output, text)
    else await writeStdout(text)
    // An UNKNOWN verdict says why on stderr too (cron mails it), unless the text report on the terminal just did.
    if (!(toTerminal && format === 'text'))
      for (const reason of unknownReasons(report)) process.stderr.write(`sessdoc: UNKNOWN: ${sanitizeTerminal(reason)}\n`)
    process.exitCode = exitCodeFor(report, flags['fail-on'] as FailOn)
  }

  override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    if (error.oclif?.exit === 0 || (error as {code?: string}).code === 'EEXIT') throw error
    // A parse error is reported here; oclif would add a development-mode warning that it was never parsed.
    this.parsed = true
    const command = (this.id ?? '').replaceAll(':', ' ')
    const windowless = windowFlagError(
      error.message,
      command,
      (this.constructor as typeof SessdocCommand).readsNoTimeWindow,
      this.knownFlags(),
    )
    if (windowless) return this.catch(new UserError(windowless.message, windowless.hint))
    const flagError = flagParseError(error.message)
    const usage = error instanceof UserError || flagError !== null || isParseError(error)
    const message = flagError
      ? error instanceof UserError
        ? flagError.text
        : `${flagError.flag}: ${flagError.text}`
      : usage
        ? usageMessage(error.message)
        : `internal error: ${firstLine(error.message)}`
    const userHint = error instanceof UserError ? (error as UserError).hint : undefined
    const help = `sessdoc ${command} --help`
    const near = nearFlag(error.message, this.knownFlags())
    const hint = userHint
      ? userHint
      : near
        ? `did you mean ${near}? (see: ${help})`
        : usage
          ? `see: ${help}`
          : 'run again with DEBUG=sessdoc:* to see the stack trace, and report it'
    this.activity?.stop()
    debug('%s', error.stack)
    if (process.env.DEBUG && !usage) process.stderr.write(`${error.stack}\n`)
    process.exitCode = ExitCode.unknown
    // Standard output is what failed: the error goes to stderr even under --json.
    if (this.jsonEnabled() && !(error instanceof StdoutError)) {
      this.logJson({error: {message, hint, exitCode: ExitCode.unknown}})
    } else {
      process.stderr.write(`Error: ${message}\nHint: ${hint}\n`)
    }
  }

  /** The command's flags as typed: --name, -c, and --no-name for the negatable ones. */
  private knownFlags(): string[] {
    const ctor = this.constructor as typeof SessdocCommand
    const flags = {...ctor.baseFlags, ...ctor.flags} as Record<string, {char?: string; allowNo?: boolean}>
    const names = ['--json', '--help']
    for (const [name, flag] of Object.entries(flags)) {
      names.push(`--${name}`)
      if (flag.allowNo) names.push(`--no-${name}`)
    }
    return names
  }
}

/** Commands that draw their own live output on the terminal (watch's intervals, drain-status --wait's checks). */
const ownLiveOutput = new Set(['watch', 'drain-status'])

/** Every other command shows the activity line, unless the report is JSON (then nothing but JSON is wanted). */
export function showsActivity(id: string | undefined, argv: readonly string[]): boolean {
  if (ownLiveOutput.has(id ?? '')) return false
  const i = argv.indexOf('--format')
  const json = argv.includes('--json') || argv.includes('--format=json') || (i >= 0 && argv[i + 1] === 'json')
  return !json && !argv.includes('--help') && !argv.includes('-h')
}

function writesToFile(argv: readonly string[]): boolean {
  return argv.some((a) => a === '-o' || a === '--output' || a.startsWith('--output=') || (a.startsWith('-o') && a.length > 2))
}

/** For oclif's "Nonexistent flag: --acess-log": the nearest flag the command has (--access-log). */
export function nearFlag(message: string, known: readonly string[]): string | undefined {
  const typed = /^Nonexistent flags?: (--[\w-]+)/.exec(message)?.[1]
  if (!typed) return undefined
  return didYouMean(typed, known)
}

/** The commands whose input has a time window: those with --since / --until. */
export const windowCommands = ['diagnose', 'access-log', 'tomcat-log', 'trace']

/**
 * For oclif's "Nonexistent flag: --since" on a command that reads no time window: a usage error
 * that says so (and why, when the command tells), instead of a bare unknown flag.
 */
export function windowFlagError(
  message: string,
  command: string,
  why: string | undefined,
  known: readonly string[],
): {message: string; hint: string} | undefined {
  const typed = /^Nonexistent flags?: (--(?:since|until))(?![\w-])/.exec(message)?.[1]
  if (!typed || known.includes(typed)) return undefined
  return {
    message: `${typed}: sessdoc ${command} reads no time window${why ? ` (${why})` : ''}`,
    hint: `drop ${typed}; --since and --until are for ${windowCommands.slice(0, -1).join(', ')} and ${windowCommands.at(-1)}`,
  }
}

function isParseError(error: Error): boolean {
  const name = error.constructor?.name ?? ''
  return /Flag|Arg|Parse|Validation|Options|Invalid/i.test(name) || /flag|argument/i.test(error.message.split('\n')[0] ?? '')
}

/** oclif's first line, with the next when the first only introduces it ("Missing 1 required arg:"). */
function usageMessage(text: string): string {
  const [first = '', second = ''] = text.split('\n').map((l) => l.trim())
  return first.endsWith(':') && second ? `${first} ${second.replace(/\s{2,}/g, ' (')}${/\s{2,}/.test(second) ? ')' : ''}` : first
}

/** oclif rewrites the message of an error thrown by a flag's parser to "Parsing --flag \n\t<message>\nSee more help…". */
function flagParseError(text: string): {flag: string; text: string} | null {
  const match = /^Parsing (--[\w-]+)\s*\n\t([^\n]*)/.exec(text)
  return match ? {flag: match[1]!, text: match[2]!.trim()} : null
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim()
}
