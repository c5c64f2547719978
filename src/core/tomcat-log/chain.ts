import type {ChainLink, ExceptionChain} from './types.js'

const TOP_FRAMES = 5

/** `\tat com.x.Y.z(Y.java:42)` (or pasted without its indentation): index of the frame text after `at `, or -1. */
export function frameStart(line: string): number {
  let i = 0
  while (i < 8 && (line.charCodeAt(i) === 9 || line.charCodeAt(i) === 32)) i++
  if (i === 0) return unindentedFrame.test(line) ? 3 : -1
  return line.charCodeAt(i) === 97 && line.charCodeAt(i + 1) === 116 && line.charCodeAt(i + 2) === 32 ? i + 3 : -1
}

// `at ` then a qualified method and `(`: a text line that merely starts with "at " is no frame.
const unindentedFrame = /^at [\w$]+(?:[./][\w$<>]+)+\(/

/** Unindented lines that can only continue a trace: `Caused by:`, `Suppressed:`, `... N more`, a frame. */
export function continuesTrace(line: string): boolean {
  const c = line.charCodeAt(0)
  if (c === 67) return line.startsWith('Caused by: ')
  if (c === 83) return line.startsWith('Suppressed: ')
  if (c === 46) return line.startsWith('... ') && line.endsWith(' more')
  if (c === 97) return unindentedFrame.test(line)
  return c >= 48 && c <= 57 && line.endsWith('common frames omitted')
}

/** Lines that belong to a stack trace: frames, causes, suppressed, `... N more`, `N common frames omitted`. */
export function isTraceLine(line: string): boolean {
  if (frameStart(line) >= 0) return true
  const t = line.trimStart()
  if (t.startsWith('Caused by: ') || t.startsWith('Suppressed: ')) return true
  if (t.startsWith('... ') && t.endsWith(' more')) return true
  return t.endsWith('common frames omitted')
}

/**
 * `java.io.NotSerializableException: com.shop.Cart` (optionally after `Caused by: `): the class
 * and message, or null when the line is not an exception line. A hand-written scan, no regex.
 */
export function parseExceptionLine(raw: string): {className: string; message: string} | null {
  let line = raw.trimStart()
  if (line.startsWith('Caused by: ')) line = line.slice(11)
  else if (line.startsWith('Suppressed: ')) line = line.slice(12)
  else if (line.startsWith('Exception in thread "')) {
    const close = line.indexOf('" ', 21)
    if (close < 0) return null
    line = line.slice(close + 2)
  }
  let end = 0
  let dots = 0
  let lastDot = -1
  while (end < line.length && end < 300) {
    const c = line.charCodeAt(end)
    const ident = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36
    if (c === 46) {
      dots++
      lastDot = end
    } else if (!ident) break
    end++
  }
  if (dots === 0 || end === 0 || lastDot === end - 1) return null
  const simpleName = line.slice(lastDot + 1, end)
  const first = simpleName.charCodeAt(0)
  if (first < 65 || first > 90) return null
  if (!/(?:Exception|Error|Throwable|Fault|Failure)$/.test(simpleName) && !simpleName.includes('Exception')) return null
  if (end === line.length) return {className: line, message: ''}
  if (line.charCodeAt(end) !== 58) return null
  return {className: line.slice(0, end), message: line.slice(end + 1).trim()}
}

const NESTED = '; nested exception is '

/**
 * The exception chain of an event: the top exception, its `Caused by:` links, suppressed ones
 * marked, and the causes that old Spring versions folded into the message ("; nested exception is").
 */
export function extractChain(message: string, continuation: readonly string[]): ExceptionChain {
  const links: ChainLink[] = []
  const topFrames: string[] = []
  let framesOf = -1
  const add = (className: string, text: string, suppressed: boolean, depth = 0): void => {
    let rest = text
    let cls = className
    for (let guard = 0; guard < 20; guard++) {
      const at = rest.indexOf(NESTED)
      if (at < 0) break
      if (!links.some((l) => l.className === cls && l.suppressed === suppressed))
        links.push({className: cls, message: rest.slice(0, at), suppressed})
      const nested = parseExceptionLine(rest.slice(at + NESTED.length))
      if (!nested) {
        rest = rest.slice(0, at)
        break
      }
      cls = nested.className
      rest = nested.message
    }
    if (!links.some((l) => l.className === cls && l.suppressed === suppressed)) links.push({className: cls, message: rest, suppressed})
    // `HazelcastSerializationException: java.lang.ClassNotFoundException: x`: a cause named in the message.
    const named = depth < 3 ? parseExceptionLine(rest) : null
    if (named) add(named.className, named.message, suppressed, depth + 1)
  }
  const inline = parseExceptionLine(message)
  if (inline) {
    add(inline.className, inline.message, false)
    framesOf = 0
  } else {
    // A wrapper message names outer exceptions; the trace under it is the root cause.
    for (const wrapped of nestedInMessage(message)) add(wrapped.className, wrapped.message, false)
  }
  for (const line of continuation) {
    const frame = frameStart(line)
    if (frame >= 0) {
      if (framesOf === 0 && topFrames.length < TOP_FRAMES) topFrames.push(line.slice(frame))
      continue
    }
    const trimmed = line.trimStart()
    const indented = trimmed.length !== line.length
    if (trimmed.length === 0 || trimmed.startsWith('... ') || trimmed.endsWith('common frames omitted')) continue
    const parsed = parseExceptionLine(line)
    if (!parsed) continue
    const cause = trimmed.startsWith('Caused by: ')
    const suppressed = trimmed.startsWith('Suppressed: ') || (cause && indented)
    if (!cause && !suppressed && links.length > 0 && framesOf >= 0) continue
    add(parsed.className, parsed.message, suppressed)
    if (framesOf < 0) framesOf = 0
    else framesOf = 1
  }
  let root: ChainLink | null = null
  for (const link of links) if (!link.suppressed) root = link
  return {links, root, topFrames}
}

/** `com.shop.Cart` → `Cart`. */
export function simpleName(className: string): string {
  const dot = className.lastIndexOf('.')
  return dot >= 0 ? className.slice(dot + 1) : className
}

/**
 * The exceptions a wrapper message names: Spring's "…; nested exception is X: m", Tomcat's
 * "threw exception [Request processing failed: X: m] with root cause" or "threw exception [X: m]",
 * and a root cause written on the same line ("] with root cause X: m").
 */
function nestedInMessage(message: string): Array<{className: string; message: string}> {
  const found: Array<{className: string; message: string}> = []
  const nested = message.indexOf(NESTED)
  const failed = message.indexOf('Request processing failed')
  const threw = message.indexOf('threw exception [')
  let outer: {className: string; message: string} | null = null
  if (nested >= 0) outer = parseExceptionLine(message.slice(nested + NESTED.length))
  if (!outer && failed >= 0) outer = parseExceptionLine(message.slice(failed + 25).replace(/^(?::|; nested exception is) /, ''))
  if (!outer && threw >= 0) outer = parseExceptionLine(message.slice(threw + 17))
  if (outer) found.push({className: outer.className, message: stripRootCause(outer.message)})
  const rootAt = message.lastIndexOf('] with root cause ')
  if (rootAt >= 0) {
    const root = parseExceptionLine(message.slice(rootAt + 18))
    if (root) found.push(root)
  }
  return found
}

function stripRootCause(text: string): string {
  const at = text.lastIndexOf('] with root cause')
  return at >= 0 ? text.slice(0, at) : text
}
