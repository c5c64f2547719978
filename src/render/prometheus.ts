import {findingCatalog, findingIds} from '../core/report/catalog.js'
import type {Report, SourceKey, Status} from '../core/report/types.js'

const statusValue: Record<Status, number> = {ok: 0, warning: 1, critical: 2, unknown: 3}
const sourceLabel: Record<SourceKey, string> = {accessLog: 'access-log', tomcatLog: 'tomcat-log', redis: 'redis', config: 'config'}

/** Metrics in the Prometheus text format, for node_exporter's textfile collector. */
export function renderPrometheus(report: Report): string {
  const lines: string[] = []
  const metric = (name: string, help: string, samples: Array<[Record<string, string>, number | null | undefined]>): void => {
    const present = samples.filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    if (present.length === 0) return
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    for (const [labels, value] of present) lines.push(`${name}${formatLabels(labels)} ${value}`)
  }
  metric('sessdoc_status', 'Report status: 0 ok, 1 warning, 2 critical, 3 unknown.', [[{}, statusValue[report.status]]])
  metric('sessdoc_report_timestamp_seconds', 'When the report was made.', [[{}, Math.floor(Date.parse(report.generatedAt) / 1000)]])
  const counts = new Map<string, number>()
  for (const f of report.findings) counts.set(`${f.id}\u0000${f.severity}`, (counts.get(`${f.id}\u0000${f.severity}`) ?? 0) + 1)
  // Every known id is exported (0 when absent), so an alert on a finding also sees it clear.
  // A finding id reads 0 only where its source was analyzed, so "checked, fine" differs from "not checked".
  const analyzedSources = new Set(
    (Object.keys(report.sources) as SourceKey[]).filter((key) => report.sources[key]?.status === 'analyzed').map((key) => sourceLabel[key]),
  )
  const reported = findingIds.filter(
    (id) =>
      findingCatalog[id].source === 'correlation' ||
      analyzedSources.has(findingCatalog[id].source) ||
      report.findings.some((f) => f.id === id),
  )
  metric(
    'sessdoc_findings',
    'Findings by id and severity.',
    reported.flatMap((id) => {
      const seen = [...counts.keys()].filter((k) => k.startsWith(`${id}\u0000`))
      if (seen.length === 0) return [[{id, severity: findingCatalog[id].severity}, 0]] as Array<[Record<string, string>, number]>
      return seen.map((k) => [{id, severity: k.split('\u0000')[1]!}, counts.get(k)!] as [Record<string, string>, number])
    }),
  )
  metric(
    'sessdoc_source_up',
    'Whether the source was analyzed (1) or failed (0).',
    (Object.keys(report.sources) as SourceKey[]).map((key) => [
      {source: sourceLabel[key]},
      report.sources[key]!.status === 'analyzed' ? 1 : 0,
    ]),
  )
  const access = report.sources.accessLog
  const redis = report.sources.redis
  const tomcat = report.sources.tomcatLog
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined)
  metric('sessdoc_access_route_flips', 'Route changes within one session id in the window.', [[{}, num(access?.routeFlips)]])
  metric('sessdoc_access_sessions_with_flips', 'Session ids that changed route.', [[{}, num(access?.sessionsWithFlips)]])
  metric('sessdoc_sessions', 'Distinct sessions seen, by source.', [
    [{source: 'access-log'}, num(access?.sessions)],
    [{source: 'redis'}, num(redis?.sessions)],
  ])
  metric('sessdoc_access_session_id_in_url_requests', 'Requests with ;jsessionid= in the URL.', [[{}, num(access?.sessionIdInUrl)]])
  metric(
    'sessdoc_tomcat_events',
    'Classified application-log events by category.',
    Object.entries((tomcat?.byCategory as Record<string, number> | undefined) ?? {}).map(([category, n]) => [{category}, n]),
  )
  metric('sessdoc_redis_sessions_without_ttl', 'Session keys without a TTL.', [[{}, num(redis?.sessionsWithoutTtl)]])
  const memory = (redis?.memory ?? {}) as {usedBytes?: number; maxBytes?: number}
  metric('sessdoc_redis_used_memory_bytes', 'Redis used_memory.', [[{}, num(memory.usedBytes)]])
  metric('sessdoc_redis_max_memory_bytes', 'Redis maxmemory (0 = none).', [[{}, num(memory.maxBytes)]])
  metric('sessdoc_redis_evicted_keys', 'Redis evicted_keys since start.', [[{}, num(redis?.evictedKeys)]])
  metric('sessdoc_redis_hit_rate', 'Keyspace hits / (hits + misses).', [[{}, num(redis?.hitRate)]])
  return lines.join('\n') + '\n'
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`
}
