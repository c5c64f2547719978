/**
 * Text for a terminal of a given width: the width of what is shown (ANSI colours count nothing,
 * East Asian wide characters two, box drawing and the sparkline blocks one), prose wrapped with
 * its indentation kept, and lines that must not be reflowed cut with an ellipsis.
 */

const ansi = /\u001b\[[0-9;]*m/g

export function stripAnsi(text: string): string {
  return text.replace(ansi, '')
}

/** Columns a character takes: 0 for combining marks, 2 for wide and fullwidth ones, else 1. */
function charWidth(code: number): number {
  if (code < 0x300) return 1
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) return 0
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  )
    return 2
  return 1
}

/** The columns `text` takes on a terminal (its widest line when it has several). */
export function displayWidth(text: string): number {
  let widest = 0
  for (const line of stripAnsi(text).split('\n')) {
    let width = 0
    for (const char of line) width += charWidth(char.codePointAt(0)!)
    widest = Math.max(widest, width)
  }
  return widest
}

/** Cuts a line (no ANSI) to `width` columns, ending in … when cut. */
export function truncateLine(line: string, width: number): string {
  if (displayWidth(line) <= width) return line
  let out = ''
  let used = 0
  for (const char of line) {
    const w = charWidth(char.codePointAt(0)!)
    if (used + w > width - 1) break
    out += char
    used += w
  }
  return `${out}…`
}

/** Where a word too wide for a line is best broken: after a path's / or a class name's dot. */
const separators = ['/', '.']

/**
 * Splits a word wider than `width` into pieces that fit (ANSI codes are kept with their text):
 * after the last / that fits, else the last dot (`fixtures/tomcat-log/` + `juli.log`, `com.shop.` +
 * `Cart`); in the middle of a name only when there is none in reach, or the name after it is wider
 * than a line anyway (then the line is filled).
 */
function breakWord(word: string, first: number, rest: number): string[] {
  // The word as characters, each with the colour codes before it and its width.
  const units: Array<{text: string; width: number; separator: string | undefined}> = []
  let codes = ''
  for (const token of word.split(/(\u001b\[[0-9;]*m)/)) {
    if (token.startsWith('\u001b[')) {
      codes += token
      continue
    }
    for (const char of token) {
      units.push({text: codes + char, width: charWidth(char.codePointAt(0)!), separator: separators.includes(char) ? char : undefined})
      codes = ''
    }
  }
  const pieces: string[] = []
  let width = first
  for (let start = 0; start < units.length; width = rest) {
    let end = start
    let used = 0
    while (end < units.length && (end === start || used + units[end]!.width <= width)) used += units[end++]!.width
    if (end < units.length) {
      // The last / in reach (a path's directory, not its file's extension), else the last dot, when
      // the part after it (up to the next separator) fits on a line.
      for (const kind of separators) {
        let last = end - 1
        while (last > start && units[last]!.separator !== kind) last--
        if (last > start && segmentWidth(units, last + 1) <= rest) {
          end = last + 1
          break
        }
      }
    }
    pieces.push(
      units
        .slice(start, end)
        .map((u) => u.text)
        .join(''),
    )
    start = end
  }
  if (codes) pieces[pieces.length - 1] = (pieces.at(-1) ?? '') + codes
  return pieces
}

/** The width of a word's part from `from` up to its next separator (included) or its end. */
function segmentWidth(units: ReadonlyArray<{width: number; separator: string | undefined}>, from: number): number {
  let width = 0
  for (let i = from; i < units.length; i++) {
    width += units[i]!.width
    if (units[i]!.separator) break
  }
  return width
}

export interface WrapOptions {
  /** Prefix of the first line. */
  indent?: string
  /** Prefix of every following line (default: the indent's width in spaces). */
  hanging?: string
}

/**
 * Wraps `text` to `width` columns at spaces; each of its own lines is a paragraph. The first line
 * starts with `indent`, the rest with `hanging`; a word wider than a line is broken, at a / or . when
 * it has one (a path, a class name). ANSI colours
 * are kept and count nothing. A width of Infinity only adds the prefixes.
 */
export function wrapText(text: string, width: number, options: WrapOptions = {}): string[] {
  const indent = options.indent ?? ''
  const hanging = options.hanging ?? ' '.repeat(displayWidth(indent))
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    const prefix = out.length === 0 ? indent : hanging
    if (!Number.isFinite(width)) {
      out.push(prefix + paragraph)
      continue
    }
    let line = prefix
    let lineWidth = displayWidth(prefix)
    let empty = true
    // Words with the spaces before them: runs of spaces inside a line (aligned labels) are kept.
    const tokens = paragraph.split(/( +)/)
    for (let t = 0; t < tokens.length; t += 2) {
      const word = tokens[t]!
      const gap = t > 0 ? tokens[t - 1]! : ''
      if (word === '') {
        if (empty && t === 0 && tokens.length > 1) {
          line += tokens[1]!
          lineWidth += tokens[1]!.length
        }
        continue
      }
      const wordWidth = displayWidth(word)
      if (!empty && lineWidth + gap.length + wordWidth <= width) {
        line += gap + word
        lineWidth += gap.length + wordWidth
        continue
      }
      if (!empty) {
        out.push(line)
        line = hanging
        lineWidth = displayWidth(hanging)
      }
      const room = Math.max(1, width - lineWidth)
      const pieces = wordWidth > room ? breakWord(word, room, Math.max(1, width - displayWidth(hanging))) : [word]
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) {
          out.push(line)
          line = hanging
          lineWidth = displayWidth(hanging)
        }
        line += piece
        lineWidth += displayWidth(piece)
      }
      empty = false
    }
    out.push(line)
  }
  return out
}
