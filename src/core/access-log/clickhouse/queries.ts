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
 * c (the client: address + User-Agent), r (nginx retried: several upstreams).
 */
export function rowsSql(ctx: FoldContext, extra: string[] = []): string {
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
    `position(rw, ',') > 0 AS r`,
    `if(rw = '-', '', if(r, replaceRegexpOne(rw, '^.*,\\\\s*', ''), rw)) AS w`,
    `${ctx.separator === '' ? '0' : `position(sid, ${sep})`} AS sp`,
    `if(sp > 0, substring(sid, 1, sp - 1), sid) AS b`,
    `if(sp > 0, substring(sid, sp + ${sepLength}), '') AS x`,
    `if(w != '', w, x) AS v`,
    `${client} AS c`,
    ...extra,
  ]
  return `SELECT ${fields.join(', ')} FROM ${tableName(ctx.database, ctx.table)} WHERE ${where}`
}

/** Requests by minute, and the first and last time (the timeline's requests, firstSeen, lastSeen). */
export function minutesSql(ctx: FoldContext): string {
  return `SELECT intDiv(t, 60) AS m, count(), min(t), max(t) FROM (${rowsSql(ctx)}) GROUP BY m`
}

/** Counts by (serving backend, id suffix): routes, cookie routes, who served each suffix, and the plain totals. */
export function routesSql(ctx: FoldContext): string {
  return `SELECT w, x, count(), sum(sid != ''), sum(fromCookie), sum(u), sum(iu), sum(sid != '' AND x = ''), sum(r),
  min(toUInt64(t) * 4294967296 + q) AS o FROM (${rowsSql(ctx)}) GROUP BY w, x ORDER BY o`
}

/**
 * The per-session fold, as arrays (ClickHouse 18.16: no window functions): each session's requests
 * sorted by time; a gap longer than the eviction time starts a new session (as the file reader
 * forgets an idle one); flips are changes of the serving backend between consecutive requests that
 * have one, failovers kept are changes of the id's suffix.
 */
function sessionFold(ctx: FoldContext): string {
  const evict = uint(ctx.evictSeconds)
  return `SELECT b,
  arraySort(e -> (e.1, e.2), groupArray((t, q, v, x, c))) AS rs,
  arrayMap(e -> e.1, rs) AS ts,
  arrayMap(e -> e.3, rs) AS sv,
  arrayMap(e -> e.4, rs) AS sf,
  arrayMap(e -> e.5, rs) AS cs,
  arrayEnumerate(rs) AS ix,
  arrayCumSum(arrayMap(i -> if(i = 1 OR ts[i] - ts[i - 1] > ${evict}, 1, 0), ix)) AS seg,
  arrayFilter(i -> i = 1 OR seg[i] != seg[i - 1], ix) AS starts,
  arrayFilter(i -> sv[i] != '', ix) AS vi,
  arrayFilter(i -> sf[i] != '', ix) AS xi,
  arrayFilter(k -> k > 1 AND sv[vi[k]] != sv[vi[k - 1]] AND seg[vi[k]] = seg[vi[k - 1]], arrayEnumerate(vi)) AS fk
FROM (${rowsSql(ctx)}) WHERE b != '' GROUP BY b
HAVING ${touch('rs', 'ts', 'sv', 'sf', 'cs', 'ix', 'seg', 'starts', 'vi', 'xi', 'fk')}`
}

/** Fact kinds of the session fold's answer. */
export const FACT = {newSession: 1, flip: 2, flippedSessions: 3, failovers: 4, active: 5, lost: 6, churn: 7, churnClient: 8} as const

/**
 * The session fold's figures as facts (kind, minute, a, b, n), summed by the server: new sessions by
 * minute (a = 'x' without a route), flips by minute and route pair (with up to five samples each),
 * sessions with flips, failovers kept, and sessions opening and expiring by minute (peak active).
 */
export function sessionsSql(ctx: FoldContext): string {
  const evict = uint(ctx.evictSeconds)
  const sample = ctx.showSessionIds ? 'b' : `concat('sid:', lower(substring(hex(SHA256(b)), 1, 8)))`
  return `SELECT f.1 AS kind, f.2 AS minute, f.3 AS a, f.4 AS bb, sum(f.5),
  arraySlice(arraySort(groupArrayIf((f.6, f.8, f.7), f.1 = ${FACT.flip})), 1, 5)
FROM (
  SELECT arrayJoin(arrayConcat(
    arrayMap(i -> (toUInt8(${FACT.newSession}), toUInt32(intDiv(ts[i], 60)), if(sf[i] = '', 'x', ''), '', toInt64(1), toUInt32(0), '', toUInt64(0)), starts),
    arrayMap(k -> (toUInt8(${FACT.flip}), toUInt32(intDiv(ts[vi[k]], 60)), sv[vi[k - 1]], sv[vi[k]], toInt64(1), toUInt32(ts[vi[k]]), ${sample}, rs[vi[k]].2), fk),
    [(toUInt8(${FACT.flippedSessions}), toUInt32(0), '', '', toInt64(length(arrayDistinct(arrayMap(k -> seg[vi[k]], fk)))), toUInt32(0), '', toUInt64(0)),
     (toUInt8(${FACT.failovers}), toUInt32(0), '', '',
      toInt64(arrayCount(k -> k > 1 AND sf[xi[k]] != sf[xi[k - 1]] AND seg[xi[k]] = seg[xi[k - 1]], arrayEnumerate(xi))), toUInt32(0), '', toUInt64(0))],
    arrayMap(s -> (toUInt8(${FACT.active}), toUInt32(intDiv(ts[starts[s]], 60)), '', '', toInt64(1), toUInt32(0), '', toUInt64(0)), arrayEnumerate(starts)),
    arrayMap(s -> (toUInt8(${FACT.active}), toUInt32(intDiv(ts[if(s < length(starts), toUInt64(starts[s + 1] - 1), length(ts))] + ${evict}, 60)), '', '', toInt64(-1), toUInt32(0), '', toUInt64(0)),
      arrayEnumerate(starts))
  )) AS f
  FROM (${sessionFold(ctx)}) WHERE ${touch('ts', 'sf', 'sv', 'starts', 'vi', 'xi', 'seg', 'fk', 'b', 'rs')}
) GROUP BY kind, minute, a, bb`
}

/**
 * Lost sessions and churn, per client: not shard-local (a client's sessions hash to several shards),
 * so each session's requests are folded where the session lives, carrying the client that opened
 * it and, per request, the route and suffix the session had then; the initiator groups them by that
 * client. At each new session of a client, the one it opened before is looked at as it stood then:
 * replaced within 5 minutes after a request of (suffix, backend) is a loss candidate (a loss when
 * that request was misrouted, decided with the homes); within the session timeout it is a change,
 * and two changes within 10 minutes are churn.
 */
export function clientsSql(ctx: FoldContext): string {
  const gap = uint(ctx.lostGapSeconds)
  const timeout = uint(ctx.sessionTimeoutSeconds)
  const churn = uint(ctx.churnWindowSeconds)
  const perSession = `SELECT arrayJoin(arrayMap(i -> (
      cs[starts[seg[i]]], ts[i], rs[i].2, cityHash64(b, seg[i]), if(i = 1 OR seg[i] != seg[i - 1], 1, 0),
      if(seg[xi[xn[i]]] = seg[i], sf[xi[xn[i]]], ''), if(seg[vi[vn[i]]] = seg[i], sv[vi[vn[i]]], '')
    ), ix)) AS e
  FROM (SELECT *, arrayCumSum(arrayMap(i -> if(sf[i] != '', 1, 0), ix)) AS xn, arrayCumSum(arrayMap(i -> if(sv[i] != '', 1, 0), ix)) AS vn
        FROM (${sessionFold(ctx)}) WHERE ${touch('ts', 'sf', 'sv', 'starts', 'vi', 'xi', 'seg', 'cs', 'rs', 'b')})
  WHERE ${touch('ts', 'sf', 'sv', 'starts', 'vi', 'xi', 'seg', 'cs', 'rs', 'b', 'xn', 'vn')}`
  const perClient = `SELECT
    arraySort(e -> (e.2, e.3), groupArray(e)) AS r,
    arrayEnumerate(r) AS ix,
    arrayMap(e -> e.2, r) AS ts,
    arrayMap(e -> e.5, r) AS nw,
    arrayCumSum(nw) AS cum,
    arrayEnumerateDense(arrayMap(e -> e.4, r)) AS ord,
    arrayMap(i -> if(ord[i] = cum[i], 1, 0), ix) AS cond,
    arrayFilter(i -> cond[i] = 1, ix) AS tidx,
    arrayCumSum(cond) AS ccum,
    arrayMap(i -> if(nw[i] = 1 AND cum[i] >= 2, tidx[ccum[i - 1]], 0), ix) AS pj,
    arrayMap(i -> if(pj[i] > 0 AND ts[i] - ts[pj[i]] <= ${timeout}, 1, 0), ix) AS pushed,
    arrayFilter(i -> pushed[i] = 1, ix) AS pidx,
    arrayCumSum(pushed) AS pc,
    arrayFilter(i -> pushed[i] = 1 AND pc[i] >= 2 AND ts[pidx[pc[i] - 1]] + ${churn} >= ts[i], ix) AS churned,
    arrayFilter(i -> pj[i] > 0 AND ts[i] - ts[pj[i]] <= ${gap} AND r[pj[i]].6 != '' AND r[pj[i]].7 != '', ix) AS lost
  FROM (${perSession}) GROUP BY e.1
  HAVING ${touch('r', 'ix', 'ts', 'nw', 'cum', 'ord', 'cond', 'tidx', 'ccum', 'pj', 'pushed', 'pidx', 'pc', 'churned', 'lost')}`
  return `SELECT f.1 AS kind, f.2 AS minute, f.3 AS a, f.4 AS bb, sum(f.5) FROM (
  SELECT arrayJoin(arrayConcat(
    arrayMap(i -> (toUInt8(${FACT.lost}), toUInt32(intDiv(ts[i], 60)), r[pj[i]].6, r[pj[i]].7, toInt64(1)), lost),
    arrayMap(i -> (toUInt8(${FACT.churn}), toUInt32(intDiv(ts[i], 60)), '', '', toInt64(1)), churned),
    [(toUInt8(${FACT.churnClient}), toUInt32(0), '', '', toInt64(if(length(churned) > 0, 1, 0)))]
  )) AS f FROM (${perClient}) WHERE ${touch('ts', 'r', 'pj', 'lost', 'churned')}
) GROUP BY kind, minute, a, bb`
}
