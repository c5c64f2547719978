import {dirname, isAbsolute, join, resolve} from 'node:path'
import type {InputError} from '../report/types.js'
import {displayPath, filesForPattern, readText} from './files.js'
import {configLines, cutLinesError, maxNestingDepth, tooDeepError} from './limits.js'
import {
  type Balancer,
  type BalancerFacts,
  emptyBalancerFacts,
  type ParsedFile,
  parseError,
  type ReadOutcome,
  type Sticky,
  type Where,
} from './types.js'

interface NginxDirective {
  name: string
  args: string[]
  line: number
  block?: NginxDirective[]
}

/**
 * Tokenizes nginx syntax into nested directives; a brace or quote left open is a problem with its
 * line. Lines are cut at 64 KB; blocks nested deeper than maxNestingDepth end the reading.
 */
export function parseNginx(source: string, file: string): {directives: NginxDirective[]; errors: InputError[]} {
  const {lines, cut} = configLines(source)
  const text = cut.length > 0 ? lines.join('\n') : source
  const errors: InputError[] = cutLinesError(file, cut)
  const root: NginxDirective[] = []
  const stack: Array<{list: NginxDirective[]; line: number}> = [{list: root, line: 0}]
  let words: string[] = []
  let wordsLine = 0
  let line = 1
  let i = 0
  const flush = (block: boolean): NginxDirective | undefined => {
    const [name, ...args] = words
    words = []
    if (!name) {
      if (!block) return undefined
      errors.push(parseError(file, line, '"{" without a directive name'))
    }
    const directive: NginxDirective = {name: name ?? '', args, line: wordsLine}
    stack[stack.length - 1]!.list.push(directive)
    return directive
  }
  while (i < text.length) {
    const c = text[i]!
    if (c === '\n') {
      line++
      i++
    } else if (/\s/.test(c)) i++
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === ';') {
      if (words.length === 0) errors.push(parseError(file, line, 'a ";" with no directive before it'))
      flush(false)
      i++
    } else if (c === '{') {
      if (stack.length > maxNestingDepth) {
        errors.push(tooDeepError(file, line, 'blocks'))
        return {directives: root, errors}
      }
      const directive = flush(true)!
      directive.block = []
      stack.push({list: directive.block, line})
      i++
    } else if (c === '}') {
      if (words.length > 0) errors.push(parseError(file, wordsLine, `directive "${words[0]}" is not ended by ";"`))
      words = []
      if (stack.length === 1) errors.push(parseError(file, line, 'a "}" closes no block'))
      else stack.pop()
      i++
    } else {
      if (words.length === 0) wordsLine = line
      if (c === '"' || c === "'") {
        let word = ''
        const startLine = line
        i++
        while (i < text.length && text[i] !== c) {
          if (text[i] === '\\' && i + 1 < text.length) i++
          if (text[i] === '\n') line++
          word += text[i]
          i++
        }
        if (i >= text.length) errors.push(parseError(file, startLine, 'a quoted value is never closed'))
        i++
        words.push(word)
      } else {
        const start = i
        while (i < text.length && !/[\s;{}#]/.test(text[i]!)) i++
        words.push(text.slice(start, i))
      }
    }
  }
  if (words.length > 0) errors.push(parseError(file, wordsLine, `directive "${words[0]}" is not ended by ";"`))
  for (const open of stack.slice(1)) errors.push(parseError(file, open.line, 'a "{" block is never closed'))
  return {directives: root, errors}
}

/** Reads nginx.conf (and its includes, relative to its directory): upstream blocks and how they stick. */
export async function readNginxConf(path: string): Promise<ReadOutcome<BalancerFacts>> {
  const facts = emptyBalancerFacts()
  const files: ParsedFile[] = []
  const errors: InputError[] = []
  const cookieVariables = new Map<string, string>()
  const prefix = dirname(resolve(path))
  const upstreams: Array<{directive: NginxDirective; file: string}> = []

  const visit = async (file: string, includedFrom: Where | undefined, depth: number): Promise<void> => {
    const shown = displayPath(file)
    const read = await readText(file)
    if (!read.ok) {
      errors.push(includedFrom ? parseError(includedFrom.file, includedFrom.line, read.message) : {input: shown, message: read.message})
      return
    }
    files.push({file: shown, kind: 'nginx'})
    const parsed = parseNginx(read.text, shown)
    errors.push(...parsed.errors)
    const walk = async (list: NginxDirective[]): Promise<void> => {
      for (const d of list) {
        if (d.name === 'include' && d.args[0] && depth < 16) {
          const matches = await includedFiles(d.args[0], prefix)
          if (matches.length === 0 && !/[*?[]/.test(d.args[0]))
            errors.push(parseError(shown, d.line, `include ${d.args[0]} not found`, 'copy the included file beside nginx.conf'))
          for (const match of matches) await visit(match, {file: shown, line: d.line}, depth + 1)
        } else if (d.name === 'map' && d.args.length >= 2) {
          const cookie = /^\$cookie_(.+)$/.exec(d.args[0]!)
          if (cookie?.[1]) cookieVariables.set(d.args[1]!, cookie[1])
        } else if (d.name === 'upstream' && d.block) upstreams.push({directive: d, file: shown})
        else if (d.name === 'log_format' && d.args.length >= 2) {
          const format = d.args
            .slice(1)
            .filter((a) => !a.startsWith('escape='))
            .join('')
          facts.nginxLogFormats = [...(facts.nginxLogFormats ?? []), {nickname: d.args[0]!, format, file: shown, line: d.line}]
        } else if (d.name === 'access_log' && d.args[0] && d.args[0] !== 'off') {
          const use = {logFile: d.args[0], format: d.args[1] ?? 'combined', file: shown, line: d.line}
          facts.accessLogs = [...(facts.accessLogs ?? []), use]
        }
        if (d.block && d.name !== 'upstream') await walk(d.block)
      }
    }
    await walk(parsed.directives)
  }
  await visit(resolve(path), undefined, 0)
  for (const {directive, file} of upstreams) facts.balancers.push(upstreamBalancer(directive, file, cookieVariables, errors))
  return {facts, files, errors}
}

/**
 * The files an nginx include names: relative ones from the nginx.conf directory; absolute ones
 * (`/etc/nginx/sites-enabled/*`) in the copied tree first, by the longest tail of the path that
 * exists beside nginx.conf (`sites-enabled/*`), else where they say.
 */
async function includedFiles(pattern: string, prefix: string): Promise<string[]> {
  if (!isAbsolute(pattern)) return filesForPattern(join(prefix, pattern))
  const parts = pattern.split('/').filter(Boolean)
  for (let skip = 1; skip < parts.length; skip++) {
    const tail = parts.slice(skip)
    // A bare wildcard tail (`*`) would be every file beside nginx.conf, itself included.
    if (tail.length === 1 && /[*?[]/.test(tail[0]!)) break
    const inCopy = join(prefix, ...tail)
    if (inCopy === pattern) break
    const matches = await filesForPattern(inCopy)
    if (matches.length > 0) return matches
  }
  return filesForPattern(pattern)
}

const serverFlags = new Set(['backup', 'down', 'resolve', 'drain'])

function upstreamBalancer(upstream: NginxDirective, file: string, cookieVariables: Map<string, string>, errors: InputError[]): Balancer {
  const balancer: Balancer = {kind: 'nginx', name: upstream.args[0] ?? '', members: [], file, line: upstream.line}
  for (const d of upstream.block ?? []) {
    const where = {file, line: d.line}
    if (d.name === 'server' && d.args[0]) {
      const stray = d.args.slice(1).find((a) => !a.includes('=') && !serverFlags.has(a))
      if (stray)
        errors.push(parseError(file, d.line, `unexpected "${stray}" in server ${d.args[0]} (a ";" missing at the end of the line?)`))
      const route = d.args.find((a) => a.startsWith('route='))?.slice('route='.length)
      balancer.members.push({target: d.args[0], route, ...where})
    } else if (d.name === 'ip_hash') balancer.sticky = {mode: 'client-ip', ...where}
    else if (d.name === 'hash' && d.args[0]) balancer.sticky = hashSticky(d.args[0], cookieVariables, where)
    else if (d.name === 'sticky') balancer.sticky = stickyDirective(d.args, cookieVariables, where)
  }
  return balancer
}

function hashSticky(key: string, cookieVariables: Map<string, string>, where: Where): Sticky {
  const cookie = cookieOf(key, cookieVariables)
  if (cookie) return {mode: 'cookie-value', cookie, cookieCaseInsensitive: true, ...where}
  return {mode: /\$(remote_addr|binary_remote_addr|http_x_forwarded_for)/.test(key) ? 'client-ip' : 'cookie-value', ...where}
}

function cookieOf(value: string, cookieVariables: Map<string, string>): string | undefined {
  const direct = /\$cookie_([A-Za-z0-9_.-]+)/.exec(value)
  if (direct?.[1]) return direct[1]
  const variable = /\$[A-Za-z0-9_]+/.exec(value)?.[0]
  return variable ? cookieVariables.get(variable) : undefined
}

/**
 * nginx Plus `sticky cookie NAME` (the balancer's own cookie), `sticky route $a $b` (routes taken
 * from the session id, as jvmRoute), `sticky learn lookup=$cookie_X`, and the nginx-sticky-module
 * `sticky name=route` (its own cookie).
 */
function stickyDirective(args: string[], cookieVariables: Map<string, string>, where: Where): Sticky {
  const [method, ...rest] = args
  if (method === 'cookie') return {mode: 'balancer-cookie', cookie: rest[0], ...where}
  if (method === 'route') {
    const cookie = rest.map((a) => cookieOf(a, cookieVariables)).find(Boolean)
    return {mode: 'route-suffix', cookie, cookieCaseInsensitive: true, ...where}
  }
  if (method === 'learn') {
    const lookup = rest.find((a) => a.startsWith('lookup=')) ?? ''
    return {mode: 'cookie-value', cookie: cookieOf(lookup, cookieVariables), cookieCaseInsensitive: true, ...where}
  }
  const name = args.find((a) => a.startsWith('name='))?.slice('name='.length) ?? 'route'
  return {mode: 'balancer-cookie', cookie: name, ...where}
}
