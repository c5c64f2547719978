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

/** Splits a word wider than `width` into pieces that fit (ANSI codes are kept with their text). */
function breakWord(word: string, first: number, rest: number): string[] {
  const pieces: string[] = []
  let current = ''
  let used = 0
  let width = first
  for (const token of word.split(/(\u001b\[[0-9;]*m)/)) {
    if (token.startsWith('\u001b[')) {
      current += token
      continue
    }
    for (const char of token) {
      const w = charWidth(char.codePointAt(0)!)
      if (used + w > width && used > 0) {
        pieces.push(current)
        current = ''
        used = 0
        width = rest
      }
      current += char
      used += w
    }
  }
  if (current) pieces.push(current)
  return pieces
}

export interface WrapOptions {
  /** Prefix of the first line. */
  indent?: string
  /** Prefix of every following line (default: the indent's width in spaces). */
  hanging?: string
}

/**
 * Wraps `text` to `width` columns at spaces; each of its own lines is a paragraph. The first line
 * starts with `indent`, the rest with `hanging`; a word wider than a line is broken. ANSI colours
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
