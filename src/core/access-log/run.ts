import type {FileReadResult} from '../input/read-lines.js'
import type {InputError} from '../report/types.js'
import {AccessLogAnalyzer, type AnalyzerOptions} from './analyzer.js'
import {readApacheConf} from './apache-conf.js'
import {candidateParsers, type DeclaredFormat, detectFormat, type FormatOptions, resolveFormat} from './formats.js'
import type {LineParser} from './parsed-line.js'
import type {SessionIdRules} from './session-id.js'
import type {AccessLogOptions} from './types.js'

/**
 * One access-log run's state: the analyzer, the formats chosen and the files read. Shared by the file reader
 * (index.ts), the ClickHouse source, watch and trace, so none of them imports another's entry module.
 */

export const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60_000

/** The format and session rules of one stream (one front end's rotated set). */
export interface StreamFormat {
  parser: LineParser
  rules: SessionIdRules
  detected: boolean
  /** A format the configs declare. */
  fromConfig: boolean
  /** False when no known format parsed any of the first lines (the parser is then only a placeholder). */
  fits: boolean
}

/**
 * The node a Tomcat's own access log belongs to, from its path: the nearest folder (or file name) part such as
 * `node2`, `tomcat2`, `app-3` (`/srv/node2/logs/…`, `tomcat2/logs/localhost_access_log.txt`); undefined when none.
 */
export function nodeFromPath(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.' && p !== '..')
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = i === parts.length - 1 ? parts[i]!.replace(/\.[^.]*$/, '') : parts[i]!
    if (i < parts.length - 1 && /^(logs?|access[-_]?logs?|tomcat\d*[-_.]?logs?)$/i.test(part)) continue
    const name = part.split(/[-_.]/).find((token) => /^(node|tomcat|app|server|worker|backend|instance|jvm|web)\d{1,3}$/i.test(token))
    if (name) return name
    const joined = /(?:^|[-_.])((?:node|tomcat|app|server|worker|backend|instance|jvm|web)[-_]\d{1,3})(?:$|[-_.])/i.exec(part)
    if (joined?.[1]) return joined[1]
  }
  return undefined
}

export class Run {
  readonly analyzer: AccessLogAnalyzer
  readonly errors: InputError[] = []
  readonly formats: StreamFormat[] = []
  filesRead = 0
  /** Sample lines (the first of each stream) carrying a Spring Session cookie while another cookie is read. */
  springSessionLines = 0
  private readonly formatOptions: FormatOptions
  private readonly fixedParser: LineParser | null
  /** Compiled once: detection runs for every stream, and there may be thousands. */
  private candidates: LineParser[] | null = null

  readonly analyzerOptions: AnalyzerOptions

  constructor(
    private readonly options: AccessLogOptions,
    declared: readonly DeclaredFormat[] = [],
  ) {
    const conf = options.apacheConf ? readApacheConf(options.apacheConf.text) : undefined
    this.formatOptions = {cookieName: options.cookieName, timeZone: options.timeZone, conf, declared}
    this.fixedParser = options.logFormat ? resolveFormat(options.logFormat, this.formatOptions) : null
    this.analyzerOptions = {
      window: options.window,
      routeSeparator: options.routeSeparator ?? '.',
      sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      redact: {...options.redact, routeSeparator: options.routeSeparator ?? '.'},
      cookieName: this.cookieName,
      knownRoutes: [...(options.workers ?? []), ...(conf?.routes ?? [])],
    }
    this.analyzer = new AccessLogAnalyzer(this.analyzerOptions)
  }

  get cookieName(): string {
    return this.options.cookieName ?? 'JSESSIONID'
  }

  get knownWorkers(): string[] {
    const conf = this.formatOptions.conf
    const names = [
      ...(this.options.workers ?? []),
      ...(conf?.routes ?? []),
      ...[...this.analyzer.workerRoutes].map((i) => this.analyzer.routes.names[i]!),
    ]
    return [...new Set(names.filter((n) => n !== ''))]
  }

  /** Chooses the stream's format: the flag's, a config's that fits it, or the best fit for its first lines. */
  formatFor(lines: readonly string[], file?: string): StreamFormat {
    const baseRules = {cookieName: this.cookieName, base64: this.cookieName.toUpperCase() === 'SESSION'}
    const detection = this.fixedParser
      ? null
      : detectFormat(lines, (this.candidates ??= candidateParsers(this.formatOptions)), baseRules, this.formatOptions, file)
    const parser = this.fixedParser ?? detection!.parser
    const cookieName = this.options.cookieName ?? parser.capabilities.sessionCookie ?? 'JSESSIONID'
    const node = parser.kind === 'tomcat' && file !== undefined ? nodeFromPath(file) : undefined
    const format: StreamFormat = {
      parser,
      rules: {
        sessionCookie: parser.capabilities.sessionCookie,
        cookieName,
        base64: cookieName.toUpperCase() === 'SESSION',
        ...(node ? {node} : {}),
      },
      detected: this.fixedParser === null,
      fromConfig: detection?.from === 'config',
      fits: detection === null || detection.parsed > 0 || detection.sampled === 0,
    }
    this.formats.push(format)
    if (cookieName.toUpperCase() !== 'SESSION') this.springSessionLines += countSpringSessionCookies(lines)
    return format
  }

  noteFile(result: FileReadResult): void {
    if (result.error) this.errors.push({input: result.input, message: result.error})
    if (!result.error || result.lines > 0) this.filesRead++
  }
}

/** `SESSION=` and a Base64 value (Spring Session encodes its UUID ids): the cookie to read is SESSION. */
const springSessionCookie = /(?:^|[\s;"])SESSION=[A-Za-z0-9+/]{20,}={0,2}(?:[\s;"]|$)/

function countSpringSessionCookies(sample: readonly string[]): number {
  let count = 0
  for (const line of sample) if (line.includes('SESSION=') && springSessionCookie.test(line)) count++
  return count
}
