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
 * matching quote; a backslash escapes that quote inside it).
 */
export function apacheDirectives(text: string): Directive[] {
  const lines = text.split(/\r?\n/)
  const out: Directive[] = []
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1
    let logical = lines[i]!
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      logical = logical.replace(/\\\s*$/, ' ') + lines[++i]!
    }
    const trimmed = logical.trim()
    if (!trimmed || trimmed.startsWith('#')) continue
    const directive = parseDirective(trimmed, startLine)
    if (directive) out.push(directive)
  }
  return out
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
  const {words, unterminated} = splitWords(body)
  if (unterminated) problem = `a quoted value is never closed: ${line.length > 80 ? `${line.slice(0, 80)}…` : line}`
  const [name, ...args] = words
  if (!name) return undefined
  return {name, args, line: lineNo, section, problem}
}

export function splitWords(text: string): {words: string[]; unterminated: boolean} {
  const words: string[] = []
  let i = 0
  let unterminated = false
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
      words.push(word)
      continue
    }
    const start = i
    while (i < text.length && !/\s/.test(text[i]!)) i++
    words.push(text.slice(start, i))
  }
  return {words, unterminated}
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
