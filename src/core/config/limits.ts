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
