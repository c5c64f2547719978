import {appendFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {FollowSink} from '../../src/core/watch/follow.js'

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

/** A sink that keeps every line and event handed on. */
export function collect(): FollowSink & {lines: string[]; events: string[]} {
  const out = {
    lines: [] as string[],
    events: [] as string[],
    text(text: string) {
      out.lines.push(...text.split('\n'))
    },
    event(kind: string) {
      out.events.push(kind)
    },
  }
  return out
}
