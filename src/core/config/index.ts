import {basename, resolve} from 'node:path'
import {type RedactOptions, scrubText} from '../redact.js'
import type {InputError, SourceResult} from '../report/types.js'
import {readApacheConf} from './apache.js'
import {runChecks} from './checks.js'
import {expandDirectories} from './discover.js'
import {displayPath, readText} from './files.js'
import {parseHaproxy} from './haproxy.js'
import {parseWorkersProperties} from './mod-jk.js'
import {buildModel} from './model.js'
import {readNginxConf} from './nginx.js'
import {configSection} from './section.js'
import {propertiesFile, springFacts, springKind, yamlProperties} from './spring.js'
import {readTomcatXml} from './tomcat.js'
import {
  type AppFacts,
  type BalancerFacts,
  type ConfigKind,
  emptyAppFacts,
  emptyBalancerFacts,
  type ParsedFile,
  type ReadOutcome,
} from './types.js'

export interface ConfigCheckOptions {
  /** httpd.conf (Includes followed), workers.properties, nginx.conf or haproxy.cfg; the kind is detected. */
  apacheConf?: string[]
  /** server.xml, context.xml, web.xml (any other XML is scanned for session-fixation settings). */
  tomcatConf?: string[]
  /** Spring Boot application.yml / .yaml / .properties. */
  appConfig?: string[]
  redact: RedactOptions
}

export type {ConfigSection} from './section.js'

/** The config source of sessdoc: reads every file given, checks them across layers, never throws for a bad file. */
export async function checkConfig(options: ConfigCheckOptions): Promise<SourceResult<'config'>> {
  const balancer = emptyBalancerFacts()
  const app = emptyAppFacts()
  const files: ParsedFile[] = []
  const errors: InputError[] = []
  const inputs = [...(options.apacheConf ?? []), ...(options.tomcatConf ?? []), ...(options.appConfig ?? [])]

  const apacheConf = await expandDirectories(options.apacheConf ?? [], 'apache', errors)
  const tomcatConf = await expandDirectories(options.tomcatConf ?? [], 'tomcat', errors)
  const appConfig = await expandDirectories(options.appConfig ?? [], 'app', errors)

  const workersGiven = await workersPropertiesAmong(apacheConf)
  for (const path of apacheConf) {
    // A file already read through an Include (a conf.d file of a directory given) is not read twice.
    if (files.some((f) => f.file === displayPath(resolve(path)))) continue
    const outcome = await readBalancerConfig(path, workersGiven)
    mergeBalancer(balancer, outcome.facts)
    files.push(...outcome.files)
    errors.push(...outcome.errors)
  }
  for (const path of tomcatConf) {
    const read = await readText(path)
    const shown = displayPath(path)
    if (!read.ok) {
      errors.push({input: shown, message: read.message})
      continue
    }
    const result = readTomcatXml(read.text, shown, app)
    files.push({file: shown, kind: result.kind})
    errors.push(...result.errors)
  }
  for (const path of appConfig) {
    const read = await readText(path)
    const shown = displayPath(path)
    if (!read.ok) {
      errors.push({input: shown, message: read.message})
      continue
    }
    readSpring(read.text, shown, path, app, files, errors)
  }

  const redactedErrors = [...new Map(errors.map((e) => [e.message, e])).values()].map((e) => ({
    input: e.input,
    message: scrubText(e.message, options.redact),
  }))
  if (files.length === 0) {
    const reason =
      inputs.length === 0
        ? 'no configuration given: pass --apache-conf, --tomcat-conf or --app-config'
        : `none of the configuration files could be read: ${redactedErrors.map((e) => e.message).join('; ')}`
    return {key: 'config', section: {status: 'error', reason, errors: redactedErrors}, findings: []}
  }
  const kinds = new Set<ConfigKind>(files.map((f) => f.kind))
  const model = buildModel(balancer, app, kinds)
  return {key: 'config', section: configSection(model, files, redactedErrors), findings: runChecks(model)}
}

function readSpring(text: string, shown: string, path: string, app: AppFacts, files: ParsedFile[], errors: InputError[]): void {
  const kind = springKind(path)
  const parsed = kind === 'spring-yaml' ? yamlProperties(text, shown) : propertiesFile(text, shown)
  files.push({file: shown, kind})
  errors.push(...parsed.errors)
  springFacts(parsed.properties, shown, app, errors)
}

function mergeBalancer(into: BalancerFacts, from: BalancerFacts): void {
  into.balancers.push(...from.balancers)
  into.logFormats.push(...from.logFormats)
  into.sameSiteByProxy ??= from.sameSiteByProxy
}

export type BalancerConfigKind = 'httpd' | 'workers.properties' | 'nginx' | 'haproxy'

/** Tells httpd, workers.properties, nginx and HAProxy configs apart by name and content. */
export function detectBalancerKind(path: string, text: string): BalancerConfigKind {
  const name = basename(path).toLowerCase()
  if (name.endsWith('.properties') || /^\s*worker\.[\w-]+\.[\w.-]+\s*=/m.test(text) || /^\s*worker\.list\s*=/m.test(text))
    return 'workers.properties'
  if (name.startsWith('haproxy') || /^(backend|frontend|listen|defaults)(\s|$)/m.test(text)) return 'haproxy'
  if (name.startsWith('nginx') || /^\s*(upstream|http|events|server)\s+[^;{]*\{|^\s*(http|events)\s*\{/m.test(text)) return 'nginx'
  return 'httpd'
}

/** The inputs that are mod_jk workers.properties files. */
async function workersPropertiesAmong(paths: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const path of paths) {
    const read = await readText(path)
    if (read.ok && detectBalancerKind(path, read.text) === 'workers.properties') found.push(path)
  }
  return found
}

async function readBalancerConfig(path: string, workersGiven: readonly string[] = []): Promise<ReadOutcome<BalancerFacts>> {
  const read = await readText(path)
  const shown = displayPath(path)
  if (!read.ok) return {facts: emptyBalancerFacts(), files: [], errors: [{input: shown, message: read.message}]}
  const kind = detectBalancerKind(path, read.text)
  if (kind === 'httpd') return readApacheConf(path, {workersGiven})
  if (kind === 'nginx') return readNginxConf(path)
  const parsed = kind === 'haproxy' ? parseHaproxy(read.text, shown) : parseWorkersProperties(read.text, shown)
  return {facts: {balancers: parsed.balancers, logFormats: []}, files: [{file: shown, kind}], errors: parsed.errors}
}

export interface KnownRoutes {
  /** Every BalancerMember route= (and mod_jk / nginx / HAProxy route) value, sorted. */
  routes: string[]
  /** The sticky session cookie of the first balancer that names one. */
  stickyCookie?: string
  /** LogFormat nickname → format string (a LogFormat without nickname is under ""). */
  logFormats: Record<string, string>
  errors: InputError[]
}

/** What the access-log analyzer needs from the balancer config: known routes, the sticky cookie, the log formats. */
export async function knownRoutesFromApacheConf(paths: readonly string[]): Promise<KnownRoutes> {
  const facts = emptyBalancerFacts()
  const errors: InputError[] = []
  const files = await expandDirectories(paths, 'apache', errors)
  const workersGiven = await workersPropertiesAmong(files)
  const read = new Set<string>()
  for (const path of files) {
    if (read.has(displayPath(resolve(path)))) continue
    const outcome = await readBalancerConfig(path, workersGiven)
    for (const f of outcome.files) read.add(f.file)
    mergeBalancer(facts, outcome.facts)
    errors.push(...outcome.errors)
  }
  const routes = [...new Set(facts.balancers.flatMap((b) => b.members.map((m) => m.route).filter((r): r is string => !!r)))].sort()
  const stickyCookie =
    facts.balancers.find((b) => b.sticky?.cookie && b.sticky.mode !== 'balancer-cookie')?.sticky?.cookie ??
    facts.balancers.find((b) => b.sticky?.cookie)?.sticky?.cookie
  const logFormats: Record<string, string> = {}
  for (const f of facts.logFormats) logFormats[f.nickname] = f.format
  return {routes, stickyCookie, logFormats, errors}
}
