import {readFile, stat} from 'node:fs/promises'
import {isAbsolute, relative} from 'node:path'
import {glob, isDynamicPattern} from 'tinyglobby'

/** A path as the user would write it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

export type TextResult = {ok: true; text: string} | {ok: false; message: string}

/** Reads a config file as text, never throwing: the message says what to do. */
export async function readText(file: string): Promise<TextResult> {
  const path = displayPath(file)
  try {
    const info = await stat(file)
    if (info.isDirectory()) return {ok: false, message: `${path} is a directory: give the config file itself`}
    if (info.size > 16 * 1024 * 1024) return {ok: false, message: `${path} is larger than 16 MB: is it really a config file?`}
    const text = await readFile(file, 'utf8')
    if (text.includes('\u0000'))
      return {ok: false, message: `${path} is not a text file (compressed or binary?): give the config file itself`}
    return {ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return {ok: false, message: `${path} does not exist: check the path`}
    if (code === 'EACCES') return {ok: false, message: `${path} is not readable: run as a user who can read it, or copy it`}
    return {ok: false, message: `cannot read ${path}: ${(error as Error).message}`}
  }
}

/**
 * The files an Include names: a file, every file of a directory, or a wildcard pattern,
 * in alphabetical order as httpd reads them.
 */
export async function filesForPattern(pattern: string): Promise<string[]> {
  if (!isDynamicPattern(pattern)) {
    const info = await stat(pattern).catch(() => undefined)
    if (!info) return []
    if (!info.isDirectory()) return [pattern]
    const inside = await glob('*', {cwd: pattern, absolute: true, onlyFiles: true, dot: false, expandDirectories: false})
    return inside.sort()
  }
  const parts = pattern.split('/')
  const firstDynamic = parts.findIndex((part) => isDynamicPattern(part))
  const base = parts.slice(0, firstDynamic).join('/') || '/'
  const rest = parts.slice(firstDynamic).join('/')
  const matches = await glob(rest, {cwd: base, absolute: true, onlyFiles: true, dot: false, expandDirectories: false})
  return matches.sort()
}
