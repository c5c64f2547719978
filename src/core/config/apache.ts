import {basename, dirname, isAbsolute, join, resolve} from 'node:path'
import type {InputError} from '../report/types.js'
import {apacheDirectives, type Directive, keyValues} from './apache-tokens.js'
import {displayPath, filesForPattern, readText} from './files.js'
import {cutLinesError, maxNestingDepth, tooDeepError} from './limits.js'
import {parseWorkersProperties} from './mod-jk.js'
import {type Balancer, type BalancerFacts, emptyBalancerFacts, type ParsedFile, parseError, type ReadOutcome, type Where} from './types.js'

const maxIncludeDepth = 16

/** Folders whose files are read relative to the folder above (ServerRoot): conf/httpd.conf, conf.d/shop.conf, sites-enabled/…. */
const treeRootFolders = new Set(['conf', 'conf.d', 'conf-enabled', 'sites-enabled', 'mods-enabled', 'conf.modules.d'])

interface Context {
  facts: BalancerFacts
  files: ParsedFile[]
  errors: InputError[]
  /** ServerRoot as written in the config (the machine's path). */
  serverRoot?: string
  /** Where the copy being read lives: the directory that plays ServerRoot for relative paths. */
  treeRoot: string
  mainDir: string
  defines: Map<string, string>
  balancers: Map<string, Balancer>
  /** Cookie names that `Header … Set-Cookie "NAME=…%{BALANCER_WORKER_ROUTE}e"` sets. */
  routeCookies: Set<string>
  seen: Set<string>
  /** workers.properties files given as inputs themselves (resolved): a JkWorkersFile needs no copy of them. */
  workersGiven: readonly string[]
}

export interface ApacheReadOptions {
  /** workers.properties files given beside this config (read on their own, so JkWorkersFile is not read again). */
  workersGiven?: readonly string[]
}

/**
 * Reads an httpd config and every file it includes (Include / IncludeOptional, relative to
 * ServerRoot, wildcards and directories), plus workers.properties named by JkWorkersFile.
 */
export async function readApacheConf(path: string, options: ApacheReadOptions = {}): Promise<ReadOutcome<BalancerFacts>> {
  const main = resolve(path)
  const mainDir = dirname(main)
  const ctx: Context = {
    facts: emptyBalancerFacts(),
    files: [],
    errors: [],
    treeRoot: treeRootFolders.has(basename(mainDir)) ? dirname(mainDir) : mainDir,
    mainDir,
    defines: new Map(),
    balancers: new Map(),
    routeCookies: new Set(),
    seen: new Set(),
    workersGiven: (options.workersGiven ?? []).map((f) => resolve(f)),
  }
  await readFileInto(ctx, main, [], undefined)
  for (const balancer of ctx.balancers.values()) {
    if (balancer.sticky?.cookie && ctx.routeCookies.has(balancer.sticky.cookie)) balancer.sticky.mode = 'balancer-cookie'
    ctx.facts.balancers.push(balancer)
  }
  return {facts: ctx.facts, files: ctx.files, errors: ctx.errors}
}

async function readFileInto(ctx: Context, file: string, chain: string[], includedFrom: Where | undefined): Promise<void> {
  const shown = displayPath(file)
  if (chain.includes(file)) {
    ctx.errors.push(
      parseError(includedFrom?.file ?? shown, includedFrom?.line ?? 1, `Include loops back to ${shown}`, 'remove the circular Include'),
    )
    return
  }
  if (chain.length > maxIncludeDepth) {
    ctx.errors.push(
      parseError(
        includedFrom?.file ?? shown,
        includedFrom?.line ?? 1,
        `Includes nested deeper than ${maxIncludeDepth} levels`,
        'check for an Include loop',
      ),
    )
    return
  }
  const read = await readText(file)
  if (!read.ok) {
    ctx.errors.push(includedFrom ? parseError(includedFrom.file, includedFrom.line, read.message) : {input: shown, message: read.message})
    return
  }
  if (!ctx.seen.has(file)) {
    ctx.seen.add(file)
    ctx.files.push({file: shown, kind: 'httpd'})
  }
  const {directives, cut} = apacheDirectives(read.text)
  ctx.errors.push(...cutLinesError(shown, cut))
  await interpret(ctx, directives, shown, [...chain, file])
}

interface Section {
  name: string
  /** As written, for messages. */
  written: string
  arg: string
  line: number
}

async function interpret(ctx: Context, directives: Directive[], file: string, chain: string[]): Promise<void> {
  const sections: Section[] = []
  for (const d of directives) {
    const where = {file, line: d.line}
    if (d.problem) ctx.errors.push(parseError(file, d.line, d.problem))
    const args = d.args.map((a) => substitute(a, ctx.defines))
    const name = d.name.toLowerCase()
    if (d.section === 'open') {
      if (sections.length >= maxNestingDepth) {
        ctx.errors.push(tooDeepError(file, d.line, 'sections'))
        return
      }
      sections.push({name, written: d.name, arg: args[0] ?? '', line: d.line})
      if ((name === 'proxy' || name === 'proxymatch') && isBalancerUrl(args[0])) balancerFor(ctx, args[0]!, where)
      continue
    }
    if (d.section === 'close') {
      const open = sections.pop()
      if (!open) ctx.errors.push(parseError(file, d.line, `</${d.name}> closes no open section`))
      else if (open.name !== name)
        ctx.errors.push(parseError(file, d.line, `</${d.name}> closes <${open.written}> opened at line ${open.line}`))
      continue
    }
    const proxySection = [...sections].reverse().find((s) => (s.name === 'proxy' || s.name === 'proxymatch') && isBalancerUrl(s.arg))
    switch (name) {
      case 'serverroot':
        if (args[0]) ctx.serverRoot = args[0].replace(/\/+$/, '')
        break
      case 'define':
        if (args[0]) ctx.defines.set(args[0], args[1] ?? '')
        break
      case 'include':
      case 'includeoptional':
        if (args[0]) await include(ctx, args[0], name === 'includeoptional', where, chain)
        break
      case 'balancermember':
        memberDirective(ctx, args, proxySection, where)
        break
      case 'proxyset':
        proxySetDirective(ctx, args, proxySection, where)
        break
      case 'proxypass':
      case 'proxypassmatch':
        proxyPassDirective(ctx, args, where)
        break
      case 'logformat':
        if (args[0] !== undefined) ctx.facts.logFormats.push({nickname: args[1] ?? '', format: args[0], ...where})
        break
      case 'customlog':
      case 'transferlog':
        // A piped log (`"|/usr/bin/rotatelogs /var/log/access.%Y 86400"`) is kept as written: the files are in its arguments.
        if (args[0]) {
          const use = {logFile: args[0], format: name === 'customlog' ? (args[1] ?? '') : '', ...where}
          ctx.facts.accessLogs = [...(ctx.facts.accessLogs ?? []), use]
        }
        break
      case 'header':
      case 'requestheader':
        headerDirective(ctx, args, where)
        break
      case 'jkworkersfile':
        if (args[0]) await jkWorkers(ctx, args[0], where)
        break
    }
  }
  for (const open of sections) ctx.errors.push(parseError(file, open.line, `<${open.written} ${open.arg}> is never closed`))
}

function substitute(value: string, defines: Map<string, string>): string {
  return value.includes('${')
    ? value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => defines.get(name) ?? process.env[name] ?? whole)
    : value
}

function isBalancerUrl(value: string | undefined): boolean {
  return !!value && /^balancer:\/\//i.test(value)
}

function balancerName(url: string): string {
  return url
    .replace(/^balancer:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
}

function balancerFor(ctx: Context, url: string, where: Where): Balancer {
  const name = balancerName(url)
  let balancer = ctx.balancers.get(name)
  if (!balancer) {
    balancer = {kind: 'mod_proxy', name, members: [], ...where}
    ctx.balancers.set(name, balancer)
  }
  return balancer
}

function memberDirective(ctx: Context, args: string[], section: Section | undefined, where: Where): void {
  let rest = args
  let url = section?.arg
  if (isBalancerUrl(args[0])) {
    url = args[0]
    rest = args.slice(1)
  }
  if (!url) {
    ctx.errors.push(
      parseError(
        where.file,
        where.line,
        'BalancerMember outside <Proxy balancer://…> names no balancer',
        'put it inside the <Proxy> section or name the balancer first',
      ),
    )
    return
  }
  const balancer = balancerFor(ctx, url, where)
  const target = rest[0] ?? ''
  const params = keyValues(rest.slice(1))
  balancer.members.push({target, route: params.get('route'), ...where})
}

function proxySetDirective(ctx: Context, args: string[], section: Section | undefined, where: Where): void {
  const url = isBalancerUrl(args[0]) ? args[0] : section?.arg
  if (!url || !isBalancerUrl(url)) return
  applyBalancerParams(balancerFor(ctx, url, where), keyValues(args), where)
}

function proxyPassDirective(ctx: Context, args: string[], where: Where): void {
  const urlIndex = args.findIndex((a) => isBalancerUrl(a))
  if (urlIndex < 0) return
  applyBalancerParams(balancerFor(ctx, args[urlIndex]!, where), keyValues(args.slice(urlIndex + 1)), where)
}

function applyBalancerParams(balancer: Balancer, params: Map<string, string>, where: Where): void {
  const sticky = params.get('stickysession')
  if (sticky !== undefined) {
    const [cookie, urlParameter] = sticky.split('|')
    balancer.sticky = {mode: 'route-suffix', cookie: cookie || undefined, urlParameter: urlParameter || undefined, ...where}
  }
  const lbmethod = params.get('lbmethod')
  if (lbmethod) balancer.lbmethod = lbmethod
  const nofailover = params.get('nofailover')
  if (nofailover) balancer.noFailover = /^on$/i.test(nofailover)
}

function headerDirective(ctx: Context, args: string[], where: Where): void {
  const words = args[0]?.toLowerCase() === 'always' || args[0]?.toLowerCase() === 'onsuccess' ? args.slice(1) : args
  const action = words[0]?.toLowerCase()
  if (words[1]?.toLowerCase() !== 'set-cookie') return
  const value = words.slice(2).join(' ')
  if (/BALANCER_WORKER_ROUTE/.test(value)) {
    const cookie = /^\s*([^=;\s]+)=/.exec(words[2] ?? '')
    if (cookie?.[1]) ctx.routeCookies.add(cookie[1])
  }
  if ((action === 'edit' || action === 'edit*') && /samesite/i.test(value)) ctx.facts.sameSiteByProxy ??= where
}

/** Include patterns are relative to ServerRoot; a copied tree is read where it lies. */
function includeCandidates(ctx: Context, pattern: string): string[] {
  const out: string[] = []
  if (isAbsolute(pattern)) {
    out.push(pattern)
    const root = ctx.serverRoot
    if (root && pattern.startsWith(`${root}/`)) out.push(join(ctx.treeRoot, pattern.slice(root.length + 1)))
  } else {
    if (ctx.serverRoot && isAbsolute(ctx.serverRoot)) out.push(join(ctx.serverRoot, pattern))
    out.push(join(ctx.treeRoot, pattern), join(ctx.mainDir, pattern))
  }
  return [...new Set(out)]
}

async function include(ctx: Context, pattern: string, optional: boolean, where: Where, chain: string[]): Promise<void> {
  for (const candidate of includeCandidates(ctx, pattern)) {
    const files = await filesForPattern(candidate)
    if (files.length === 0) continue
    for (const file of files) await readFileInto(ctx, file, chain, where)
    return
  }
  if (!optional) {
    const root = ctx.serverRoot ? `ServerRoot ${ctx.serverRoot}` : `no ServerRoot; looked in ${displayPath(ctx.treeRoot)}`
    ctx.errors.push(
      parseError(
        where.file,
        where.line,
        `Include ${pattern} matches no file (${root})`,
        'copy the included files beside the config, or use IncludeOptional',
      ),
    )
  }
}

async function jkWorkers(ctx: Context, pattern: string, where: Where): Promise<void> {
  // The user gave the workers.properties: it is read as an input, whether or not it lies where the config says.
  if (ctx.workersGiven.length > 0) return
  for (const candidate of includeCandidates(ctx, pattern)) {
    const read = await readText(candidate)
    if (!read.ok) continue
    const shown = displayPath(candidate)
    ctx.files.push({file: shown, kind: 'workers.properties'})
    const parsed = parseWorkersProperties(read.text, shown)
    ctx.facts.balancers.push(...parsed.balancers)
    ctx.errors.push(...parsed.errors)
    return
  }
  ctx.errors.push(parseError(where.file, where.line, `JkWorkersFile ${pattern} not found`, 'give workers.properties with --apache-conf'))
}
