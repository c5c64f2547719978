import type {Readable} from 'node:stream'
import {ParsedLine} from '../access-log/parsed-line.js'
import type {Run} from '../access-log/run.js'
import {extractSessionId, indexWithin} from '../access-log/session-id.js'
import {readLineBatches} from '../input/read-lines.js'
import {hashId} from '../redact.js'

/** A `sid:` is a hash: the raw id it stands for, with how many lines were parsed to find it. */
export interface Resolved {
  base: string | null
  parsedLines: number
  bytes: number
}

/**
 * Finds the raw id behind a `sid:` (its hash and, when given, its route): every line is parsed and
 * each distinct id hashed once, until the first match (an id of that hash seen only with other
 * routes is the answer when none carries the route given). No byte search can do this (the hash is all
 * there is), so a trace by `sid:` reads the logs up to the session's first request this way, then
 * traces the id it found as a raw id would be.
 */
export async function resolveHashedId(
  files: readonly string[],
  hash: string,
  route: string | null,
  routeSeparator: string,
  run: Run,
  options: {signal?: AbortSignal; stdin?: Readable} = {},
): Promise<Resolved> {
  const parsed = new ParsedLine()
  /** Each distinct id, hashed once: whether its hash is the one asked for. */
  const seen = new Map<string, boolean>()
  /** The first id of that hash seen only with another route than the one given. */
  let otherRoute: string | null = null
  let parsedLines = 0
  let bytes = 0
  for (const file of files) {
    const batches = readLineBatches(file, {signal: options.signal, stdin: options.stdin, chunkBytes: 1024 * 1024})
    let format: ReturnType<Run['formatFor']> | null = null
    try {
      for (;;) {
        const next = await batches.next()
        if (next.done) {
          bytes += next.value.bytes
          break
        }
        format ??= run.formatFor(next.value.lines)
        for (const line of next.value.lines) {
          parsed.reset()
          if (!format.parser.parse(line, 0, line.length, parsed)) continue
          parsedLines++
          const ref = extractSessionId(line, parsed, format.rules)
          if (ref === null) continue
          let start = ref.start
          if (format.parser.kind === 'haproxy') {
            const tilde = indexWithin(ref.text, '~', start, ref.end)
            if (tilde >= 0) start = tilde + 1
          }
          const sep = routeSeparator ? indexWithin(ref.text, routeSeparator, start, ref.end) : -1
          const base = ref.text.slice(start, sep >= 0 ? sep : ref.end)
          let matches = seen.get(base)
          if (matches === undefined) seen.set(base, (matches = hashId(base) === hash))
          if (!matches) continue
          // The route is not part of the hash: an id whose route changed (node1, then node2 after a
          // failover) is found by either. Another route is kept in case no id carries the one given.
          const suffix = sep >= 0 ? ref.text.slice(sep + routeSeparator.length, ref.end) : null
          if (route !== null && suffix !== null && suffix !== route) {
            otherRoute ??= Buffer.from(base).toString()
            continue
          }
          await batches.return(undefined as never)
          return {base: Buffer.from(base).toString(), parsedLines, bytes}
        }
      }
    } finally {
      await batches.return(undefined as never)
    }
  }
  return {base: otherRoute, parsedLines, bytes}
}

const idShapes = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{16,64}/g

/** The raw id behind a `sid:` among the ids (Tomcat hex, Spring UUIDs) a text names, or null. */
export function idInText(text: string, hash: string): string | null {
  for (const m of text.matchAll(idShapes)) if (hashId(m[0]) === hash) return m[0]
  return null
}
