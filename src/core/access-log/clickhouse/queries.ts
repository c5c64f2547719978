import type {ColumnMap, Field, ResolvedColumns} from './mapping.js'
import {ident, literal, tableName, uint} from './sql.js'

/** What the SQL needs to know: the table, its columns, the window and the analyzer's constants. */
export interface FoldContext {
  database: string
  table: string
  resolved: ResolvedColumns
  /** Epoch seconds, inclusive. */
  since: number
  until: number
  separator: string
  /** A session idle longer than this (seconds) is a new session when it comes back (the file reader forgets it). */
  evictSeconds: number
  sessionTimeoutSeconds: number
  lostGapSeconds: number
  churnWindowSeconds: number
  /** Flip samples show `sid:` + 8 hex digits of the id's SHA-256, computed by the server (ids never leave it). */
  showSessionIds: boolean
  /** A Distributed table sharded by a hash of the session column: its shards group their own rows (sessionRequests). */
  shardLocal?: boolean
}

/**
 * ClickHouse 18.16 does not pass a subquery's column to a lambda that is its only use ("Unknown
 * identifier"), and an alias of the same SELECT used only inside lambdas may come out as zeros:
 * a condition that is always true names every one of them outside the lambdas.
 */
const touch = (...names: string[]): string => `${names.map((n) => `length(${n})`).join(' + ')} >= 0`

const col = (columns: ColumnMap, field: Field): string => ident(columns[field]!)

/** A column as text ('' for NULL). */
function text(resolved: ResolvedColumns, field: Field): string {
  const c = col(resolved.columns, field)
  const type = resolved.types[field] ?? 'String'
  if (type === 'String' || type.startsWith('LowCardinality(String')) return c
  if (type.startsWith('Nullable(')) return `ifNull(toString(${c}), '')`
  return `toString(${c})`
}

/** The time column as epoch seconds, and the WHERE that keeps the window (on the column itself when it is a DateTime, for the index). */
function timeOf(ctx: FoldContext): {t: string; where: string} {
  const {resolved} = ctx
  const c = col(resolved.columns, 'time')
  const type = (resolved.types.time ?? '').replace(/^Nullable\((.*)\)$/, '$1')
  const since = uint(ctx.since)
  const until = uint(ctx.until)
  if (type.startsWith('DateTime')) return {t: `toUInt32(${c})`, where: `${c} >= toDateTime(${since}) AND ${c} <= toDateTime(${until})`}
  if (type === 'Date')
    return {t: `toUInt32(toDateTime(${c}))`, where: `${c} >= toDate(toDateTime(${since})) AND ${c} <= toDate(toDateTime(${until}))`}
  const t = /^U?Int|^Float|^Decimal/.test(type) ? `toUInt32(${c})` : `toUInt32(parseDateTimeBestEffort(${text(resolved, 'time')}))`
  return {t, where: `${t} >= ${since} AND ${t} <= ${until}`}
}

/**
 * One row per request in the window, normalized: t (epoch s), q (tiebreak), sid (the id: cookie,
 * else `;jsessionid=` of the path), u (1 when the id came from the URL), iu (an id in the URL),
 * w (the serving backend), b (the id without its route), x (the route suffix), v (served: w, else x),
 * c (the client: address + User-Agent), r (nginx retried: several upstreams), replaced (the response set another id).
 */
export function rowsSql(ctx: FoldContext, extra: string[] = []): string {
  const {fields, from} = rowFields(ctx, extra)
  return `SELECT ${fields.join(', ')} ${from}`
}

/**
 * The rows' fields defined where the table is read, for a GROUP BY in that same SELECT: ClickHouse sends the
 * SELECT that reads a Distributed table to its shards, so the session fold runs on each shard only when it
 * groups there (with distributed_group_by_no_merge) rather than in a query over a subquery of rows. The
 * aliases are defined in ignore(…) of the WHERE (always 0) and used anywhere in the SELECT.
 */
function readRows(ctx: FoldContext): string {
  const {fields, from} = rowFields(ctx)
  return `${from} AND ignore(${fields.join(', ')}) = 0`
}

function rowFields(ctx: FoldContext, extra: string[] = []): {fields: string[]; from: string} {
  const {resolved} = ctx
  const has = (f: Field) => resolved.columns[f] !== undefined
  const {t, where} = timeOf(ctx)
  const urlId = has('path') ? `extract(${text(resolved, 'path')}, ';jsessionid=([^?#;/ &]+)')` : `''`
  const cookie = has('session') ? text(resolved, 'session') : `''`
  const rawWorker = has('route') ? text(resolved, 'route') : `''`
  const sep = literal(ctx.separator)
  const sepLength = uint(Buffer.byteLength(ctx.separator))
  const client = has('client')
    ? has('agent')
      ? `cityHash64(${text(resolved, 'client')}, ${text(resolved, 'agent')})`
      : `cityHash64(${text(resolved, 'client')})`
    : 'toUInt64(0)'
  const order = has('order') ? `toUInt64(${col(resolved.columns, 'order')})` : 'toUInt64(0)'
  const fields = [
    `${t} AS t`,
    `${order} AS q`,
    `${cookie} AS ck`,
    `${urlId} AS ui`,
    `ck != '' AND ck != '-' AS fromCookie`,
    `if(fromCookie, ck, ui) AS sid`,
    `NOT fromCookie AND ui != '' AS u`,
    `ui != '' AS iu`,
    `${rawWorker} AS rw`,
    // nginx's list of upstreams tried: ", " between retries, " : " between internal redirects; the last one served.
    `replaceAll(rw, ' : ', ',') AS rl`,
    `position(rl, ',') > 0 AS r`,
    `if(rw = '-', '', if(r, replaceAll(arrayElement(splitByChar(',', rl), -1), ' ', ''), rw)) AS w`,
    `${ctx.separator === '' ? '0' : `position(sid, ${sep})`} AS sp`,
    `if(sp > 0, substring(sid, 1, sp - 1), sid) AS b`,
    `if(sp > 0, substring(sid, sp + ${sepLength}), '') AS x`,
    `if(w != '', w, x) AS v`,
    `${client} AS c`,
    // The id the response set (HAProxy's captured response cookie, Tomcat's %S): another id than the request's replaced it.
    // As logged: the bare id (Tomcat's %S, '-' for none) or NAME=value (HAProxy's capture, a Set-Cookie header).
    `${has('setcookie') ? text(resolved, 'setcookie') : "''"} AS sc0`,
    `if(sc0 = '-', '', if(position(sc0, '=') > 0, extract(sc0, '=([^;, ]*)'), sc0)) AS sc`,
    `${ctx.separator === '' ? '0' : `position(sc, ${sep})`} AS scp`,
    `sc != '' AND b != '' AND if(scp > 0, substring(sc, 1, scp - 1), sc) != b AS replaced`,
    ...extra,
  ]
  return {fields, from: `FROM ${tableName(ctx.database, ctx.table)} WHERE ${where}`}
}

/** Requests by minute, and the first and last time (the timeline's requests, firstSeen, lastSeen). */
export function minutesSql(ctx: FoldContext): string {
  return `SELECT intDiv(t, 60) AS m, count(), min(t), max(t) FROM (${rowsSql(ctx)}) GROUP BY m`
}

/** Counts by (serving backend, id suffix): routes, cookie routes, who served each suffix, and the plain totals (responses that set an id last). */
export function routesSql(ctx: FoldContext): string {
  return `SELECT w, x, count(), sum(sid != ''), sum(fromCookie), sum(u), sum(iu), sum(sid != '' AND x = ''), sum(r),
  min(toUInt64(t) * 4294967296 + q) AS o, sum(sc != '') FROM (${rowsSql(ctx)}) GROUP BY w, x ORDER BY o`
}

const FACT_LOST = 6

/** An array shifted one place right, `first` in front (an empty array stays empty): element i of the result is element i - 1 of `array`. */
const previous = (array: string, first: string) => `arrayPopBack(arrayPushFront(${array}, ${first}))`
/** An array shifted one place left, `last` at the end (an empty array stays empty): element i of the result is element i + 1 of `array`. */
const following = (array: string, last: string) => `arrayPopFront(arrayPushBack(${array}, ${last}))`

/**
 * Sessions replaced where the response shows it (the `setcookie` column): by minute and the request's
 * (suffix, backend): the loss candidates, in place of the client fold's, when the window has any.
 */
export function replacedSql(ctx: FoldContext): string {
  return `SELECT toUInt8(${FACT_LOST}), intDiv(t, 60) AS m, x, v, count() FROM (${rowsSql(ctx)}) WHERE replaced AND x != '' AND v != '' GROUP BY m, x, v`
}

/**
 * Each session's requests (b, rs: sorted by time), grouped where the table is read. On a Distributed table
 * whose sharding key hashes the session column, each shard groups its own rows (shardLocal, with
 * distributed_group_by_no_merge); the column holds the id with its route suffix, so one session whose suffix
 * changed (a failover that re-stamped it) can be on two shards: each shard groups by the id as logged, and
 * the server sessdoc asks joins those groups by the id without its suffix. Otherwise one GROUP BY, which
 * ClickHouse itself splits between the shards and the server it asks.
 */
function sessionRequests(ctx: FoldContext): string {
  if (!ctx.shardLocal) return `SELECT b, arraySort(groupArray((t, q, v, x, c))) AS rs ${readRows(ctx)} AND b != '' GROUP BY b`
  return `SELECT b, arraySort(groupArrayArray(part)) AS rs FROM (${idGroupsSql(ctx)}) GROUP BY b`
}

/** Each id as logged (with its suffix) and its requests, grouped where the table is read: on each shard when shard-local. */
export function idGroupsSql(ctx: FoldContext): string {
  return `SELECT b, sid, groupArray((t, q, v, x, c)) AS part ${readRows(ctx)} AND b != '' GROUP BY b, sid`
}

/**
 * The per-session fold, as arrays (ClickHouse 18.16: no window functions): each session's requests
 * sorted by time; a gap longer than the eviction time starts a new session (as the file reader
 * forgets an idle one); flips are changes of the serving backend between consecutive requests that
 * have one, failovers kept are changes of the id's suffix.
 *
 * Every lambda takes the arrays it reads as arguments, lined up with shifted copies where it needs a
 * neighbour: a lambda that indexes an array it captures gets a copy of that array for each element
 * (ClickHouse replicates captured columns), which is quadratic in a session's requests.
 */
function sessionFold(ctx: FoldContext): string {
  const evict = uint(ctx.evictSeconds)
  return `SELECT b, ts, qs, sv, sf, cs, seg, isStart, isEnd, fv, fg, ft, fq, isFlip, xs, xg
FROM (SELECT b, rs,
  arrayMap(e -> e.1, rs) AS ts,
  arrayMap(e -> e.2, rs) AS qs,
  arrayMap(e -> e.3, rs) AS sv,
  arrayMap(e -> e.4, rs) AS sf,
  arrayMap(e -> e.5, rs) AS cs,
  arrayCumSum(arrayMap((a, p, i) -> if(i = 1 OR a - p > ${evict}, 1, 0), ts, ${previous('ts', 'toUInt32(0)')}, arrayEnumerate(ts))) AS seg,
  arrayMap((s, p) -> s != p, seg, ${previous('seg', 'toUInt64(0)')}) AS isStart,
  arrayMap((s, n) -> s != n, seg, ${following('seg', 'toUInt64(0)')}) AS isEnd,
  arrayFilter(v -> v != '', sv) AS fv,
  arrayFilter((s, v) -> v != '', seg, sv) AS fg,
  arrayFilter((a, v) -> v != '', ts, sv) AS ft,
  arrayFilter((a, v) -> v != '', qs, sv) AS fq,
  arrayMap((v, p, s, ps) -> p != '' AND v != p AND s = ps, fv, ${previous('fv', "''")}, fg, ${previous('fg', 'toUInt64(0)')}) AS isFlip,
  arrayFilter(x -> x != '', sf) AS xs,
  arrayFilter((s, x) -> x != '', seg, sf) AS xg
FROM (${sessionRequests(ctx)}))`
}

/** Fact kinds of the session fold's answer. */
export const FACT = {
  newSession: 1,
  flip: 2,
  flippedSessions: 3,
  failovers: 4,
  active: 5,
  lost: FACT_LOST,
  churn: 7,
  churnClient: 8,
} as const

/** Elements of `array` where `mask` is true. */
const where = (array: string, mask: string) => `arrayFilter((e, m) -> m, ${array}, ${mask})`

/**
 * The session fold's figures as facts (kind, minute, a, b, n), summed by the server: new sessions by
 * minute (a = 'x' without a route), flips by minute and route pair (with up to five samples each),
 * sessions with flips, failovers kept, and sessions opening and expiring by minute (peak active).
 */
export function sessionsSql(ctx: FoldContext): string {
  const evict = uint(ctx.evictSeconds)
  const sample = ctx.showSessionIds ? 'b' : `concat('sid:', lower(substring(hex(SHA256(b)), 1, 8)))`
  const fact = (kind: number, minute: string, a: string, b: string, n: string, t = 'toUInt32(0)', id = "''", q = 'toUInt64(0)') =>
    `(toUInt8(${kind}), toUInt32(${minute}), ${a}, ${b}, toInt64(${n}), toUInt32(${t}), ${id}, toUInt64(${q}))`
  return `SELECT f.1 AS kind, f.2 AS minute, f.3 AS a, f.4 AS bb, sum(f.5),
  arraySlice(arraySort(groupArrayIf((f.6, f.8, f.7), f.1 = ${FACT.flip})), 1, 5)
FROM (
  SELECT ${sample} AS sample, arrayJoin(arrayConcat(
    arrayMap((a, x) -> ${fact(FACT.newSession, 'intDiv(a, 60)', "if(x = '', 'x', '')", "''", '1')}, ${where('ts', 'isStart')}, ${where('sf', 'isStart')}),
    arrayMap((a, q, p, v) -> ${fact(FACT.flip, 'intDiv(a, 60)', 'p', 'v', '1', 'a', 'sample', 'q')},
      ${where('ft', 'isFlip')}, ${where('fq', 'isFlip')}, ${where(previous('fv', "''"), 'isFlip')}, ${where('fv', 'isFlip')}),
    [${fact(FACT.flippedSessions, '0', "''", "''", `length(arrayDistinct(${where('fg', 'isFlip')}))`)},
     ${fact(FACT.failovers, '0', "''", "''", `arraySum(arrayMap((x, p, s, ps) -> p != '' AND x != p AND s = ps, xs, ${previous('xs', "''")}, xg, ${previous('xg', 'toUInt64(0)')}))`)}],
    arrayMap(a -> ${fact(FACT.active, 'intDiv(a, 60)', "''", "''", '1')}, ${where('ts', 'isStart')}),
    arrayMap(a -> ${fact(FACT.active, `intDiv(a + ${evict}, 60)`, "''", "''", '-1')}, ${where('ts', 'isEnd')})
  )) AS f
  FROM (${sessionFold(ctx)}) WHERE ${touch('sample')}
) GROUP BY kind, minute, a, bb`
}

/**
 * Lost sessions and churn, per client: not shard-local (a client's sessions hash to several shards),
 * so each session is folded where it lives and handed on as one row per session (a gap longer than
 * the eviction time starts another): the client that opened it, its start, and its requests' times,
 * suffixes and backends. The initiator groups them by client and pairs each session with the one the
 * client opened before, looked at as it stood when the new one started: replaced within 5 minutes
 * after a request of (suffix, backend) is a loss candidate (a loss when that request was misrouted,
 * decided with the homes; where the response's cookie is logged, replacedSql's are taken instead); within
 * the session timeout it is a change, and two changes within 10 minutes are churn.
 */
export function clientsSql(ctx: FoldContext): string {
  const gap = uint(ctx.lostGapSeconds)
  const timeout = uint(ctx.sessionTimeoutSeconds)
  const churn = uint(ctx.churnWindowSeconds)
  const inSegment = (array: string) => `arrayFilter((e, s) -> s = k, ${array}, seg)`
  const perSession = `SELECT client, st, sq, ${inSegment('ts')} AS pts, ${inSegment('qs')} AS pqs, ${inSegment('sf')} AS psf, ${inSegment('sv')} AS psv
  FROM (SELECT seg, ts, qs, sf, sv, ${where('cs', 'isStart')} AS clients, ${where('ts', 'isStart')} AS starts, ${where('qs', 'isStart')} AS startOrders
        FROM (${sessionFold(ctx)}))
  ARRAY JOIN clients AS client, starts AS st, startOrders AS sq, arrayEnumerate(starts) AS k
  WHERE ${touch('toString(k)')}`
  const pairs = `SELECT client, pair.1 AS ct, pair.2 AS cq, pair.3 AS pts, pair.4 AS pqs, pair.5 AS psf, pair.6 AS psv
  FROM (SELECT client, arraySort(groupArray((st, sq, pts, pqs, psf, psv))) AS sessions FROM (${perSession}) GROUP BY client HAVING count() >= 2)
  ARRAY JOIN arrayMap((s, p) -> (s.1, s.2, p.3, p.4, p.5, p.6), arrayPopFront(sessions), arrayPopBack(sessions)) AS pair`
  const asOf = `SELECT client, ct, before, arrayReduce('max', ${where('pts', 'before')}) AS lastSeen,
    arrayElement(arrayFilter((x, m) -> m AND x != '', psf, before), -1) AS suffixAt,
    arrayElement(arrayFilter((v, m) -> m AND v != '', psv, before), -1) AS routeAt
  FROM (SELECT client, ct, psf, psv, pts, arrayMap((a, q) -> a < ct OR (a = ct AND q < cq), pts, pqs) AS before FROM (${pairs}) WHERE ${touch('toString(ct)', 'toString(cq)')})`
  const perClient = `SELECT
    arraySort(groupArrayIf(ct, ct - lastSeen <= ${timeout})) AS changes,
    arrayFilter((a, p, i) -> i > 1 AND p + ${churn} >= a, changes, ${previous('changes', 'toUInt32(0)')}, arrayEnumerate(changes)) AS churned,
    groupArrayIf((ct, suffixAt, routeAt), ct - lastSeen <= ${gap} AND suffixAt != '' AND routeAt != '') AS lost
  FROM (${asOf}) GROUP BY client`
  const fact = (kind: number, minute: string, a: string, b: string, n: string) =>
    `(toUInt8(${kind}), toUInt32(${minute}), ${a}, ${b}, toInt64(${n}))`
  return `SELECT f.1 AS kind, f.2 AS minute, f.3 AS a, f.4 AS bb, sum(f.5) FROM (
  SELECT arrayJoin(arrayConcat(
    arrayMap(e -> ${fact(FACT.lost, 'intDiv(e.1, 60)', 'e.2', 'e.3', '1')}, lost),
    arrayMap(a -> ${fact(FACT.churn, 'intDiv(a, 60)', "''", "''", '1')}, churned),
    [${fact(FACT.churnClient, '0', "''", "''", 'length(churned) > 0')}]
  )) AS f FROM (${perClient})
) GROUP BY kind, minute, a, bb`
}
