import type {InputError} from '../report/types.js'
import {parseError} from './types.js'

/** Lines longer than this are cut, as the log readers cut theirs: no real config line is this long. */
export const maxLineLength = 64 * 1024

/**
 * Deepest nesting read (nginx blocks, XML elements, httpd sections, YAML). Real configs nest a
 * handful of levels; a file nested deeper is not read further, so that no parser recurses or
 * rescans without bound.
 */
export const maxNestingDepth = 100

/** The lines of a config file, each cut to maxLineLength; `cut` holds the (1-based) numbers of the lines cut. */
export function configLines(text: string): {lines: string[]; cut: number[]} {
  const lines = text.split(/\r?\n/)
  const cut: number[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.length <= maxLineLength) continue
    lines[i] = lines[i]!.slice(0, maxLineLength)
    cut.push(i + 1)
  }
  return {lines, cut}
}

/** How a config language continues a line: the part of `line` kept when it goes on on the next line, else null. */
export type Continuation = (line: string) => string | null

/** A line as read with the lines that continue it joined; `line` is where it starts (1-based). */
export interface LogicalLine {
  text: string
  line: number
}

/**
 * The logical lines of a config file: each line joined with the lines that continue it, cut as a
 * whole at maxLineLength; `cut` holds the numbers of the lines (first lines of logical ones) cut.
 * `clean` is applied to every physical line first; a first line that `skip` accepts is passed
 * over without joining (a comment that is not continued).
 */
export function logicalLines(
  text: string,
  continued: Continuation,
  options: {clean?: (line: string) => string; skip?: (line: string) => boolean} = {},
): {lines: LogicalLine[]; cut: number[]} {
  const clean = options.clean ?? ((line: string) => line)
  const {lines, cut: cutLines} = configLines(text)
  const cutAt = new Set(cutLines)
  const cut: number[] = []
  const out: LogicalLine[] = []
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1
    const first = clean(lines[i]!)
    if (options.skip?.(first)) continue
    let wasCut = cutAt.has(startLine)
    const parts: string[] = []
    let length = 0
    for (let line = first; ; line = clean(lines[++i]!)) {
      const kept = i + 1 < lines.length ? continued(line) : null
      const piece = kept ?? line
      if (length + piece.length > maxLineLength) wasCut = true
      const part = piece.slice(0, Math.max(0, maxLineLength - length))
      parts.push(part)
      length += part.length
      if (kept === null) break
      if (cutAt.has(i + 2)) wasCut = true
    }
    if (wasCut) cut.push(startLine)
    out.push({text: parts.join(''), line: startLine})
  }
  return {lines: out, cut}
}

/** One error per file for its cut lines: how many, and where the first is. */
export function cutLinesError(file: string, cut: readonly number[]): InputError[] {
  if (cut.length === 0) return []
  const what = cut.length === 1 ? 'a line longer than 64 KB was' : `${cut.length} lines longer than 64 KB were`
  return [parseError(file, cut[0]!, `${what} cut to 64 KB`, 'only their start was read: is this the right file?')]
}

/** The error for a file nested deeper than maxNestingDepth, at the line where it went too deep. */
export function tooDeepError(file: string, line: number, what: string): InputError {
  return parseError(
    file,
    line,
    `${what} nested deeper than ${maxNestingDepth} levels; the rest of the file was not read`,
    'a real config nests a few levels: is this the right file?',
  )
}
