import {logicalLines} from './limits.js'

/** One httpd directive: its words (quotes removed) and where it starts. */
export interface Directive {
  name: string
  args: string[]
  line: number
  /** `<Proxy …>` opens a section, `</Proxy>` closes one. */
  section?: 'open' | 'close'
  problem?: string
}

/**
 * Splits an httpd config into directives: `#` comment lines, backslash line continuations, and
 * words as httpd's ap_getword_conf reads them (a word that starts with a quote runs to the
 * matching quote; a backslash escapes that quote inside it). A line, continued or not, is cut
 * at 64 KB; `cut` holds the numbers of the lines cut.
 */
export function apacheDirectives(text: string): {directives: Directive[]; cut: number[]} {
  const {lines, cut} = logicalLines(text, (line) => {
    const backslash = continuationAt(line)
    return backslash >= 0 ? `${line.slice(0, backslash)} ` : null
  })
  const directives: Directive[] = []
  for (const {text: logical, line} of lines) {
    const trimmed = logical.trim()
    if (!trimmed || trimmed.startsWith('#')) continue
    const directive = parseDirective(trimmed, line)
    if (directive) directives.push(directive)
  }
  return {directives, cut}
}

/** Where the backslash of a continued line is (only white space may follow it), or -1. */
function continuationAt(line: string): number {
  let i = line.length - 1
  while (i >= 0 && /\s/.test(line[i]!)) i--
  return i >= 0 && line.charCodeAt(i) === 92 ? i : -1
}

function parseDirective(line: string, lineNo: number): Directive | undefined {
  let body = line
  let section: Directive['section']
  let problem: string | undefined
  if (body.startsWith('</')) {
    section = 'close'
    body = body.slice(2)
    if (!body.endsWith('>')) problem = `section end ${line} has no closing ">"`
    body = body.replace(/>\s*$/, '')
  } else if (body.startsWith('<')) {
    section = 'open'
    body = body.slice(1)
    if (!body.endsWith('>')) problem = `section start ${line} has no closing ">"`
    body = body.replace(/>\s*$/, '')
  }
  const {words, unterminated, strayQuote} = splitWords(body)
  if (unterminated) problem = `a quoted value is never closed: ${cutForMessage(line)}`
  else if (strayQuote)
    problem = `a quote is out of place (one missing?): httpd reads ${words.map((w) => JSON.stringify(w)).join(' ')} from ${cutForMessage(line)}`
  const [name, ...args] = words
  if (!name) return undefined
  return {name, args, line: lineNo, section, problem}
}

function cutForMessage(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line
}

/**
 * `strayQuote`: a closing quote with text right after it, or a quote inside an unquoted word
 * (`"/manager "balancer://x"`): httpd splits such a line where its author did not mean to.
 */
export function splitWords(text: string): {words: string[]; unterminated: boolean; strayQuote: boolean} {
  const words: string[] = []
  let i = 0
  let unterminated = false
  let strayQuote = false
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++
    if (i >= text.length) break
    const quote = text[i]
    if (quote === '"' || quote === "'") {
      let word = ''
      i++
      let closed = false
      while (i < text.length) {
        const c = text[i]!
        if (c === '\\' && text[i + 1] === quote) {
          word += quote
          i += 2
          continue
        }
        if (c === quote) {
          closed = true
          i++
          break
        }
        word += c
        i++
      }
      if (!closed) unterminated = true
      else if (i < text.length && !/\s/.test(text[i]!)) strayQuote = true
      words.push(word)
      continue
    }
    const start = i
    while (i < text.length && !/\s/.test(text[i]!)) i++
    const word = text.slice(start, i)
    if (word.includes('"')) strayQuote = true
    words.push(word)
  }
  return {words, unterminated, strayQuote}
}

/** `key=value` arguments of BalancerMember, ProxySet and ProxyPass (keys lower-cased). */
export function keyValues(args: readonly string[]): Map<string, string> {
  const map = new Map<string, string>()
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq > 0) map.set(arg.slice(0, eq).toLowerCase(), arg.slice(eq + 1))
  }
  return map
}
