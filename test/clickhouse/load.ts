/** Loads an access log's lines into a ClickHouse table, each field as the file reader reads it (its parser, its id rules). */
import {readFileSync} from 'node:fs'
import {FIGURES_BY_NATURE} from '../../src/core/access-log/clickhouse/index.js'
import {Run} from '../../src/core/access-log/index.js'
import {ParsedLine} from '../../src/core/access-log/parsed-line.js'
import {extractSessionId} from '../../src/core/access-log/session-id.js'
import type {AccessLogOptions} from '../../src/core/access-log/types.js'
import type {TestClickHouse} from '../helpers/clickhouse-server.js'

export const TABLE_COLUMNS =
  'ts DateTime, seq UInt64, jsessionid String, upstream String, remote_addr String, user_agent String, status UInt16, request_uri String, set_cookie String'
export const MAP =
  'time=ts,order=seq,session=jsessionid,route=upstream,client=remote_addr,agent=user_agent,status=status,path=request_uri,setcookie=set_cookie'

/** Section figures a table cannot hold or say the same way (src: FIGURES_BY_NATURE). */
export const NOT_COMPARABLE = FIGURES_BY_NATURE

const tsv = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')
const slice = (line: string, start: number, end: number) => (start >= 0 && end > start ? line.slice(start, end) : '')

/** The rows of a log file as TabSeparated text, plus the route kind its parser reads. */
export function rowsOf(path: string, options: Partial<AccessLogOptions> = {}): {tsv: string; routeKind: 'route' | 'upstream' | 'server'} {
  const lines = readFileSync(path, 'utf8').split('\n')
  if (lines.at(-1) === '') lines.pop()
  const run = new Run({paths: [], window: {since: null, until: null}, redact: {}, ...options})
  const format = run.formatFor(lines.slice(0, 20_000), path)
  const p = new ParsedLine()
  const out: string[] = []
  lines.forEach((line, i) => {
    p.reset()
    if (!format.parser.parse(line, 0, line.length, p) || Number.isNaN(p.timeMs)) return
    const ref = extractSessionId(line, p, format.rules)
    let session = ref && ref.from !== 'url' ? ref.text.slice(ref.start, ref.end) : ''
    if (format.parser.kind === 'haproxy' && session.includes('~')) session = session.slice(session.indexOf('~') + 1)
    const served = slice(line, p.workerStart, p.workerEnd)
    // nginx's upstream list as logged: a retried request names several (the parser keeps the last).
    const worker = p.retried && served !== '' ? `0.0.0.0:1, ${served}` : served
    // The id the response set, as logged (Tomcat's %S the bare id, HAProxy's capture NAME=value): the SQL reads both.
    const setCookie = slice(line, p.setCookieStart, p.setCookieEnd)
    out.push(
      [
        Math.floor(p.timeMs / 1000),
        i + 1,
        session,
        worker === '-' ? '' : worker,
        slice(line, p.clientStart, p.clientEnd),
        slice(line, p.userAgentStart, p.userAgentEnd),
        200,
        slice(line, p.requestStart, p.requestEnd),
        setCookie,
      ]
        .map((v) => tsv(String(v)))
        .join('\t'),
    )
  })
  const worker = format.parser.capabilities.worker
  return {tsv: `${out.join('\n')}\n`, routeKind: worker ?? 'route'}
}

/** A MergeTree table `db.name` with the rows. */
export async function loadTable(ch: TestClickHouse, db: string, name: string, tsvText: string): Promise<void> {
  await ch.query(`CREATE DATABASE IF NOT EXISTS ${db}`)
  await ch.query(`CREATE TABLE ${db}.${name} (${TABLE_COLUMNS}) ENGINE = MergeTree() ORDER BY (ts, seq)`)
  await ch.query(`INSERT INTO ${db}.${name} FORMAT TabSeparated`, tsvText)
}
