/**
 * A small XML reader for Tomcat's configuration files: elements, attributes, text, comments,
 * CDATA, processing instructions and a DOCTYPE. It is not a validating parser; it reads what
 * server.xml, context.xml and web.xml need, keeps the line of every element, and turns malformed
 * markup into errors with a line number while keeping what it could read.
 */
import {maxNestingDepth} from './limits.js'

export interface XmlElement {
  name: string
  /** The name without a namespace prefix. */
  local: string
  attrs: Record<string, string>
  line: number
  children: XmlElement[]
  text: string
}

export interface XmlProblem {
  line: number
  message: string
  /** Nesting past maxNestingDepth: reading stopped there. */
  tooDeep?: boolean
}

export interface XmlDocument {
  root?: XmlElement
  problems: XmlProblem[]
}

const namePattern = /[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]*/y

export function parseXml(text: string): XmlDocument {
  return new Scanner(text).run()
}

class Scanner {
  private pos = 0
  private readonly lineStarts: number[] = [0]
  private readonly stack: XmlElement[] = []
  private readonly problems: XmlProblem[] = []
  private root?: XmlElement
  /** Set when the nesting went past maxNestingDepth and reading stopped. */
  private tooDeep = false

  constructor(private readonly src: string) {
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.lineStarts.push(i + 1)
  }

  run(): XmlDocument {
    const src = this.src
    while (this.pos < src.length) {
      const lt = src.indexOf('<', this.pos)
      const end = lt < 0 ? src.length : lt
      if (end > this.pos) this.addText(decodeEntities(src.slice(this.pos, end)))
      if (lt < 0) break
      this.pos = lt
      if (src.startsWith('<!--', lt)) this.comment()
      else if (src.startsWith('<![CDATA[', lt)) this.cdata()
      else if (src.startsWith('<?', lt)) this.skipPast('?>', 'processing instruction')
      else if (src.startsWith('<!', lt)) this.declaration()
      else if (src.startsWith('</', lt)) this.closeTag()
      else this.openTag()
    }
    if (!this.tooDeep) for (const open of this.stack.reverse()) this.problem(open.line, `<${open.name}> is never closed`)
    if (!this.root) this.problem(1, 'no XML element found')
    return {root: this.root, problems: this.problems}
  }

  lineAt(pos: number): number {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.lineStarts[mid]! <= pos) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }

  private problem(line: number, message: string): void {
    if (this.problems.length < 20) this.problems.push({line, message})
  }

  private addText(text: string): void {
    const top = this.stack[this.stack.length - 1]
    if (top) top.text += text
    else if (text.trim()) this.problem(this.lineAt(this.pos), 'text outside the root element')
  }

  private skipPast(terminator: string, what: string): void {
    const end = this.src.indexOf(terminator, this.pos)
    if (end < 0) {
      this.problem(this.lineAt(this.pos), `${what} is never closed (missing ${terminator})`)
      this.pos = this.src.length
      return
    }
    this.pos = end + terminator.length
  }

  /**
   * `<!-- … -->`. A `--` inside a comment makes the file fatal to Tomcat's parser ("The string
   * "--" is not permitted within comments"), so it is a problem at its line; reading goes on after
   * `--!>` (what such an author meant as the end) or else after the next `-->`.
   */
  private comment(): void {
    const openLine = this.lineAt(this.pos)
    const dashes = this.src.indexOf('--', this.pos + 4)
    if (dashes >= 0 && this.src[dashes + 2] !== '>') {
      const hint = this.src.startsWith('--!>', dashes) ? '"--!>" does not end it' : 'write it as "- -" or end the comment with "-->"'
      this.problem(
        this.lineAt(dashes),
        `"--" inside a comment (opened at line ${openLine}): ${hint}; Tomcat refuses to start with this file`,
      )
      if (this.src.startsWith('--!>', dashes)) {
        this.pos = dashes + 4
        return
      }
    }
    this.skipPast('-->', 'comment')
  }

  private cdata(): void {
    const start = this.pos + '<![CDATA['.length
    const end = this.src.indexOf(']]>', start)
    if (end < 0) {
      this.problem(this.lineAt(this.pos), 'CDATA section is never closed (missing ]]>)')
      this.pos = this.src.length
      return
    }
    this.addText(this.src.slice(start, end))
    this.pos = end + 3
  }

  /** `<!DOCTYPE …>`, possibly with an internal subset in brackets. */
  private declaration(): void {
    let depth = 0
    for (let i = this.pos + 2; i < this.src.length; i++) {
      const c = this.src[i]
      if (c === '[') depth++
      else if (c === ']') depth--
      else if (c === '>' && depth <= 0) {
        this.pos = i + 1
        return
      }
    }
    this.problem(this.lineAt(this.pos), 'declaration is never closed (missing >)')
    this.pos = this.src.length
  }

  private readName(): string {
    namePattern.lastIndex = this.pos
    const match = namePattern.exec(this.src)
    if (!match) return ''
    this.pos += match[0].length
    return match[0]
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++
  }

  private closeTag(): void {
    const line = this.lineAt(this.pos)
    this.pos += 2
    const name = this.readName()
    this.skipSpace()
    if (this.src[this.pos] !== '>') {
      this.problem(line, `malformed closing tag </${name}`)
      const gt = this.src.indexOf('>', this.pos)
      this.pos = gt < 0 ? this.src.length : gt + 1
    } else this.pos++
    let index = this.stack.length - 1
    while (index >= 0 && this.stack[index]!.name !== name) index--
    if (index < 0) {
      this.problem(line, `closing tag </${name}> has no matching opening tag`)
      return
    }
    const top = this.stack[this.stack.length - 1]!
    if (index !== this.stack.length - 1)
      this.problem(line, `closing tag </${name}> does not match <${top.name}> opened at line ${top.line}`)
    this.stack.length = index
  }

  private openTag(): void {
    const line = this.lineAt(this.pos)
    this.pos++
    const name = this.readName()
    if (!name) {
      this.problem(line, 'a "<" that starts no tag (write &lt; in text)')
      this.addText('<')
      return
    }
    const element: XmlElement = {name, local: name.slice(name.indexOf(':') + 1), attrs: {}, line, children: [], text: ''}
    let selfClosing = false
    for (;;) {
      this.skipSpace()
      const c = this.src[this.pos]
      if (c === undefined) {
        this.problem(line, `tag <${name}> is never closed (missing >)`)
        break
      }
      if (c === '>') {
        this.pos++
        break
      }
      if (c === '/' && this.src[this.pos + 1] === '>') {
        this.pos += 2
        selfClosing = true
        break
      }
      const read = this.attribute(element)
      if (read === 'end') break
      if (!read) {
        // Skip to the end of the tag and keep going.
        const gt = this.src.indexOf('>', this.pos)
        selfClosing = gt > 0 && this.src[gt - 1] === '/'
        this.pos = gt < 0 ? this.src.length : gt + 1
        break
      }
    }
    if (!selfClosing && this.stack.length >= maxNestingDepth) {
      this.tooDeep = true
      // Pushed even past the cap of 20 problems: it explains why the rest is missing.
      this.problems.push({line, message: `elements nested deeper than ${maxNestingDepth} levels`, tooDeep: true})
      this.pos = this.src.length
      return
    }
    const parent = this.stack[this.stack.length - 1]
    if (parent) parent.children.push(element)
    else if (!this.root) this.root = element
    else this.problem(line, `a second root element <${name}>`)
    if (!selfClosing) this.stack.push(element)
  }

  /** Reads one attribute; false when the tag is garbled, 'end' when the text ended inside it (already reported). */
  private attribute(element: XmlElement): boolean | 'end' {
    const line = this.lineAt(this.pos)
    const attr = this.readName()
    if (!attr) {
      this.problem(line, `unexpected "${this.src[this.pos]}" in tag <${element.name}>`)
      return false
    }
    this.skipSpace()
    if (this.src[this.pos] !== '=') {
      this.problem(line, `attribute ${attr} of <${element.name}> has no value`)
      return true
    }
    this.pos++
    this.skipSpace()
    const quote = this.src[this.pos]
    if (quote !== '"' && quote !== "'") {
      this.problem(line, `value of attribute ${attr} of <${element.name}> is not quoted`)
      const start = this.pos
      while (this.pos < this.src.length && !/[\s>]/.test(this.src[this.pos]!) && !this.src.startsWith('/>', this.pos)) this.pos++
      element.attrs[attr] = decodeEntities(this.src.slice(start, this.pos))
      return true
    }
    const end = this.src.indexOf(quote, this.pos + 1)
    if (end < 0) {
      this.problem(line, `value of attribute ${attr} of <${element.name}> is never closed (missing ${quote})`)
      this.pos = this.src.length
      return 'end'
    }
    element.attrs[attr] = decodeEntities(this.src.slice(this.pos + 1, end))
    this.pos = end + 1
    return true
  }
}

const namedEntities: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return safeCodePoint(parseInt(body.slice(2), 16), whole)
    if (body.startsWith('#')) return safeCodePoint(parseInt(body.slice(1), 10), whole)
    return namedEntities[body] ?? whole
  })
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback
}

/** Depth-first walk over an element and its descendants. */
export function* walk(element: XmlElement, ancestors: XmlElement[] = []): Generator<{element: XmlElement; ancestors: XmlElement[]}> {
  yield {element, ancestors}
  for (const child of element.children) yield* walk(child, [...ancestors, element])
}

export function childByName(element: XmlElement, local: string): XmlElement | undefined {
  return element.children.find((c) => c.local === local)
}
