import {stat} from 'node:fs/promises'
import {candidateParsers, detectFormat, type FormatOptions, resolveFormat} from '../access-log/formats.js'
import type {LineParser} from '../access-log/parsed-line.js'
import {checkConfig} from '../config/index.js'
import {expandInputs} from '../input/expand-inputs.js'
import type {Finding} from '../report/types.js'
import {readBalancer} from './balancer.js'
import {type FormatChooser, LogTail} from './log-tail.js'
import {type LineFormat, SessionCollector} from './session-collector.js'
import {readTomcatManager} from './tomcat-manager.js'
import type {BalancerMember, DrainSection, TomcatManagerFigures} from './types.js'
import {judgeDrain} from './verdict.js'

export type {BalancerMember, DrainSection, DrainVerdict} from './types.js'

export const DEFAULT_DRAIN_TIMEOUT_MS = 30 * 60_000

export interface DrainOptions {
  /** The node: its balancer route (BalancerMember route=, HAProxy server name) and its jvmRoute. */
  route: string
  /** `http(s)://…/balancer-manager`, an HAProxy stats URL, or `unix:/path/admin.sock`. */
  balancers: string[]
  /** The live access logs of the balancers (plain files). */
  accessLogs: string[]
  logFormat?: string
  cookieName?: string
  routeSeparator?: string
  timeZone?: string
  /** --timeout; else the smallest timeout of the configs given; else 30 minutes. */
  timeoutMs?: number
  tomcatConf?: string[]
  appConfig?: string[]
  tomcatManager?: string
  env?: NodeJS.ProcessEnv
  /** For each balancer and manager request. */
  requestTimeoutMs?: number
  /** The clock (tests pass their own). */
  now?: () => number
}

export interface DrainResult {
  section: DrainSection
  findings: Finding[]
}

/**
 * drain-status: one node's balancer state and the sessions still bound to it. The first check reads
 * each log from its end back as far as the timeout reaches; later checks (`--wait`) read only the
 * lines appended since.
 */
export class DrainCheck {
  private readonly collector: SessionCollector
  private readonly tails: LogTail[]
  private readonly fileErrors: string[] = []
  private formatError: string | null = null
  private checks = 0
  private drainSeenAt = Number.NaN
  private readonly now: () => number
  /** --log-format's parser, else the layouts the log's is detected among and the cookie they are scored on. */
  private readonly layout: {parser: LineParser} | {candidates: LineParser[]; rules: {cookieName: string; base64: boolean}}
  private readonly choose: FormatChooser = (lines) => this.chooseFormat(lines)

  private constructor(
    private readonly options: DrainOptions,
    files: string[],
    private readonly timeoutMs: number,
    private readonly timeoutSource: DrainSection['timeoutSource'],
  ) {
    this.collector = new SessionCollector(options.route, options.routeSeparator ?? '.')
    this.tails = files.map((f) => new LogTail(f))
    this.now = options.now ?? Date.now
    const formatOptions: FormatOptions = {cookieName: options.cookieName, timeZone: options.timeZone}
    const cookieName = options.cookieName ?? 'JSESSIONID'
    // A bad --log-format throws FormatError here, before anything is read.
    this.layout = options.logFormat
      ? {parser: resolveFormat(options.logFormat, formatOptions)}
      : {candidates: candidateParsers(formatOptions), rules: {cookieName, base64: cookieName.toUpperCase() === 'SESSION'}}
  }

  static async create(options: DrainOptions): Promise<DrainCheck> {
    const {files, errors} = await expandInputs(options.accessLogs)
    const plain: string[] = []
    const fileErrors = errors.map((e) => e.message)
    for (const file of files) {
      if (file === '-' || /\.gz$/i.test(file))
        fileErrors.push(
          `${file}: drain-status reads the live log from its end: give the plain file, not ${file === '-' ? 'standard input' : 'a .gz file'}`,
        )
      else if ((await stat(file).catch(() => null))?.isFile() === false) fileErrors.push(`${file}: not a regular file`)
      else plain.push(file)
    }
    const {timeoutMs, source} = await resolveTimeout(options)
    const check = new DrainCheck(options, plain, timeoutMs, source)
    check.fileErrors.push(...fileErrors)
    return check
  }

  /** One check: the balancers now, the logs' new lines, the verdict. */
  async check(): Promise<DrainResult> {
    const timeout = this.options.requestTimeoutMs ?? 3000
    const reads = await Promise.all(this.options.balancers.map((b) => readBalancer(b, timeout)))
    const members: BalancerMember[] = reads.flatMap((r) => (r.ok ? r.members : []))
    const balancerErrors = reads.flatMap((r) => (r.ok ? [] : [r.error]))
    const manager = this.options.tomcatManager
      ? await readTomcatManager(this.options.tomcatManager, this.options.env ?? process.env, timeout)
      : null
    const now = this.now()
    const since = now - this.timeoutMs
    const mine = members.filter((m) => m.route === this.options.route)
    const draining = mine.length > 0 && mine.every((m) => m.state !== 'active')
    if (draining && Number.isNaN(this.drainSeenAt)) this.drainSeenAt = now
    await this.readLogs(since)
    if (draining) this.collector.countNewFrom = this.drainSeenAt
    this.checks++

    // An access log asked for of which no line could be read (missing, empty, a directory, no layout) cannot tell.
    const logUnread = this.options.accessLogs.length > 0 && this.collector.parsedLines === 0
    const logsRead = this.tails.length > 0 && this.formatError === null && !logUnread
    const bound = this.collector.bound(since)
    const managerUsable = manager !== null && manager.error === undefined
    const boundSessions = logsRead ? bound.count : managerUsable && !logUnread ? manager.activeSessions : null
    const judgement = judgeDrain({
      route: this.options.route,
      members,
      balancersGiven: this.options.balancers.length,
      balancerErrors,
      boundSessions,
      boundFrom: logsRead ? 'access log' : 'Tomcat manager',
      newSessionsSinceDrain: this.newSessionsSinceDrain(),
      boundUnknown: logUnread ? this.unreadReason() : undefined,
      lastRequest: bound.lastRequest,
      timeoutMs: this.timeoutMs,
      now,
    })
    const errors = [...this.fileErrors, ...balancerErrors, ...(this.formatError ? [this.formatError] : [])]
    if (manager?.error) errors.push(`Tomcat manager ${manager.url}: ${manager.error}`)
    const section: DrainSection = {
      status: judgement.verdict === 'unknown' ? 'error' : 'analyzed',
      route: this.options.route,
      verdict: judgement.verdict,
      members,
      boundSessions,
      lastRequest: isoOrNull(bound.lastRequest),
      newSessionsSinceDrain: this.newSessionsSinceDrain(),
      drainSeenAt: isoOrNull(this.drainSeenAt),
      timeoutSeconds: Math.round(this.timeoutMs / 1000),
      timeoutSource: this.timeoutSource,
      safeAt: isoOrNull(judgement.safeAt),
      checkedAt: new Date(now).toISOString(),
      log: this.tails.length > 0 ? this.logFigures(since, bound.active) : null,
      tomcatManager: manager satisfies TomcatManagerFigures | null,
      checks: this.checks,
    }
    if (judgement.reason) section.reason = judgement.reason
    if (errors.length > 0) section.errors = errors.map((message) => ({input: 'drain-status', message}))
    // A long --wait keeps only the sessions that can still be bound.
    this.collector.forget(since - 60_000)
    return {section, findings: judgement.findings}
  }

  /** Why no line of the access logs was read: their errors, else the layout, else they hold no line. */
  private unreadReason(): string {
    const c = this.collector
    const why =
      this.fileErrors.length > 0
        ? this.fileErrors.join('; ')
        : this.formatError !== null
          ? this.formatError
          : c.lines === 0
            ? `${this.options.accessLogs.join(', ')}: the log is empty`
            : `no line of ${this.options.accessLogs.join(', ')} could be parsed (${c.rejected} rejected): check --log-format`
    return `no line of the access log could be read (${why}): check --access-log (the live log of the balancer)`
  }

  private newSessionsSinceDrain(): number | null {
    return Number.isNaN(this.drainSeenAt) || this.checks < 2 ? null : this.collector.newSessions
  }

  private async readLogs(since: number): Promise<void> {
    for (const tail of this.tails) {
      try {
        if (this.checks === 0) await tail.readBack(since, this.collector, this.choose)
        else await tail.readNew(this.collector, this.choose)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? ''
        const text = (error as Error).message
        const message = `${tail.path}: ${text.startsWith(code) ? text : `${code} ${text}`}`.trim()
        if (!this.fileErrors.includes(message)) this.fileErrors.push(message)
      }
    }
  }

  private chooseFormat(lines: string[]): LineFormat | null {
    let parser: LineParser
    if ('parser' in this.layout) parser = this.layout.parser
    else {
      const detection = detectFormat(lines, this.layout.candidates, this.layout.rules)
      if (detection.parsed <= 0) {
        if (detection.sampled > 0)
          this.formatError = 'the access log is in no known layout: give --log-format (see sessdoc access-log --help)'
        return null
      }
      parser = detection.parser
    }
    this.formatError = null
    const name = this.options.cookieName ?? parser.capabilities.sessionCookie ?? 'JSESSIONID'
    return {parser, rules: {sessionCookie: parser.capabilities.sessionCookie, cookieName: name, base64: name.toUpperCase() === 'SESSION'}}
  }

  private logFigures(since: number, active: number): NonNullable<DrainSection['log']> {
    const c = this.collector
    return {
      files: this.tails.length,
      bytesRead: this.tails.reduce((n, t) => n + t.bytesRead, 0),
      lines: c.lines,
      parsed: c.parsedLines,
      rejected: c.rejected,
      detectedFormat: this.tails.find((t) => t.format !== null)?.format?.parser.name ?? null,
      readBackTo: isoOrNull(c.oldest),
      newestLine: isoOrNull(c.newest),
      startsInsideWindow: this.tails.some((t) => t.startsInsideWindow) && !(c.oldest < since),
      activeSessions: active,
      lastRequestToNode: isoOrNull(c.lastToNode),
    }
  }
}

async function resolveTimeout(options: DrainOptions): Promise<{timeoutMs: number; source: DrainSection['timeoutSource']}> {
  if (options.timeoutMs !== undefined) return {timeoutMs: options.timeoutMs, source: 'flag'}
  if ((options.tomcatConf?.length ?? 0) + (options.appConfig?.length ?? 0) > 0) {
    const result = await checkConfig({tomcatConf: options.tomcatConf, appConfig: options.appConfig, redact: {}})
    const seconds = 'sessionTimeoutSeconds' in result.section ? result.section.sessionTimeoutSeconds : null
    if (typeof seconds === 'number' && seconds > 0) return {timeoutMs: seconds * 1000, source: 'config'}
  }
  return {timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS, source: 'default'}
}

function isoOrNull(ms: number): string | null {
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}
