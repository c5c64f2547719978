import {stat} from 'node:fs/promises'
import {join} from 'node:path'
import {glob, isDynamicPattern} from 'tinyglobby'
import type {InputError} from '../report/types.js'
import {STDIN} from './stdin.js'

export {STDIN} from './stdin.js'

export interface ExpandedInputs {
  /** Files to read, rotated sets oldest first; `-` for standard input. */
  files: string[]
  errors: InputError[]
}

/**
 * Turns the PATH arguments (files, globs, `-`) into the list of files to read. A glob that
 * matches nothing is an error of its own; a missing plain file is reported when it is opened.
 */
export interface ExpandOptions {
  /** Chooses the files of a directory (names inside it); a note says what it chose, when it chose. */
  chooseInDirectory?: (names: readonly string[]) => {names: string[]; note: string | null}
}

export async function expandInputs(patterns: readonly string[], options: ExpandOptions = {}): Promise<ExpandedInputs> {
  const files: string[] = []
  const errors: InputError[] = []
  for (const pattern of patterns) {
    if (pattern === STDIN) {
      files.push(STDIN)
      continue
    }
    if (!isDynamicPattern(pattern)) {
      const expanded = await expandDirectory(pattern, options.chooseInDirectory)
      files.push(...expanded.files)
      if (expanded.note) errors.push({input: pattern, message: `${pattern}: ${expanded.note}`})
      continue
    }
    // Directories too: 'node*/logs' stands for the logs inside each matching directory, as one directory does.
    const matches = await glob(pattern, {absolute: false, onlyFiles: false, dot: true, expandDirectories: false})
    if (matches.length === 0) {
      errors.push({input: pattern, message: `no file matches ${pattern}: check the pattern (quote it so the shell does not expand it)`})
      continue
    }
    const plain: string[] = []
    for (const match of matches) {
      const expanded = await expandDirectory(match.replace(/\/$/, ''), options.chooseInDirectory)
      if (expanded.files.length === 1 && expanded.files[0] === match.replace(/\/$/, '')) plain.push(match)
      else files.push(...expanded.files)
      if (expanded.note) errors.push({input: match, message: `${match}: ${expanded.note}`})
    }
    files.push(...sortRotated(plain))
  }
  return {files: [...new Set(files)], errors}
}

// Files in a log directory that are not logs: scripts, configs, data, documentation.
const notALog = /\.(?:m?js|ts|json|ya?ml|xml|conf|properties|md|txt|sh|py|pid|lck|lock)$/i

/** A directory given as input stands for the log files inside it (as `DIR/name`, not absolute). */
async function expandDirectory(path: string, choose: ExpandOptions['chooseInDirectory']): Promise<{files: string[]; note: string | null}> {
  const info = await stat(path).catch(() => undefined)
  if (!info?.isDirectory()) return {files: [path], note: null}
  const names = (await glob('*', {cwd: path, onlyFiles: true, expandDirectories: false})).filter((name) => !notALog.test(name))
  const chosen = choose ? choose(names) : {names, note: null}
  const logs = chosen.names.map((name) => join(path, name))
  return logs.length > 0 ? {files: sortRotated(logs), note: chosen.note} : {files: [path], note: null}
}

interface RotationKey {
  base: string
  /** Higher is older: access.log.2 is older than access.log.1, which is older than access.log. */
  age: number
  stamp: string
}

function rotationKey(path: string): RotationKey {
  const plain = path.replace(/\.(gz|bz2|xz|zst)$/, '')
  const numbered = /^(.*)\.(\d{1,4})$/.exec(plain)
  if (numbered?.[1] && numbered[2]) return {base: numbered[1], age: Number(numbered[2]), stamp: ''}
  const dated = /^(.*?)[.-](\d{4}-?\d{2}-?\d{2}(?:[-_T]?\d{2,6})?)$/.exec(plain)
  if (dated?.[1] && dated[2]) return {base: dated[1], age: 0.5, stamp: dated[2]}
  return {base: plain, age: 0, stamp: '\uffff'}
}

/** Rotated sets oldest first: `access.log.2.gz`, `access.log.1`, `access.log`; dated files by date. */
export function sortRotated(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => {
    const ka = rotationKey(a)
    const kb = rotationKey(b)
    if (ka.base !== kb.base) return ka.base < kb.base ? -1 : 1
    if (ka.age !== kb.age) return kb.age - ka.age
    return ka.stamp < kb.stamp ? -1 : ka.stamp > kb.stamp ? 1 : 0
  })
}
