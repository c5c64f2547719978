import {appendFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The lab's HAProxy log of a node2 restart without drain: 109 requests, 2 server lines; the users' truth is 4 flips, 4 misrouted, 4 lost (lines 62, 65, 68, 71). */
export const haproxyLines = readFileSync(new URL('../../fixtures/lab/haproxy-insert/haproxy.log', import.meta.url), 'utf8')
  .trimEnd()
  .split('\n')

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sessdoc-watch-'))
}

export function write(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''))
}

export function append(file: string, text: string): void {
  appendFileSync(file, text)
}
