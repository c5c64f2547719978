import {type FindingId, findingCatalog, findingIds} from '../core/report/catalog.js'
import {analyzedSection} from '../core/report/report.js'
import type {Finding, Report, Severity, SourceKey, Status} from '../core/report/types.js'

const statusValue: Record<Status, number> = {ok: 0, warning: 1, critical: 2, unknown: 3}
const severityValue: Record<Severity, number> = {info: 1, warning: 2, critical: 3}
const sourceLabel: Record<SourceKey, string> = {
  accessLog: 'access-log',
  tomcatLog: 'tomcat-log',
  redis: 'redis',
  config: 'config',
  drain: 'drain-status',
  trace: 'trace',
  watch: 'watch',
}

/** Metrics in the Prometheus text format, for node_exporter's textfile collector. */
export function renderPrometheus(report: Report): string {
  const lines: string[] = []
  // Names follow the exposition conventions: a counter ends in _total, a ratio in _ratio, a unit in its base unit.
  const metric = (
    name: string,
    help: string,
    samples: Array<[Record<string, string>, number | null | undefined]>,
    type: 'gauge' | 'counter' = 'gauge',
  ): void => {
    const present = samples.filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    if (present.length === 0) return
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of present) lines.push(`${name}${formatLabels(labels)} ${value}`)
  }
  metric('sessdoc_status', 'Report status: 0 ok, 1 warning, 2 critical, 3 unknown.', [[{}, statusValue[report.status]]])
  metric('sessdoc_report_timestamp_seconds', 'When the report was made.', [[{}, Math.floor(Date.parse(report.generatedAt) / 1000)]])
  // Only what was checked is exported: 0 means "checked, fine", an absent series "not checked".
  // The id is the whole identity of a series, so it stays the same series when its severity changes.
  const checked = checkedIds(report)
  const found = new Map<FindingId, Finding[]>()
  for (const f of report.findings) found.set(f.id, [...(found.get(f.id) ?? []), f])
  metric(
    'sessdoc_findings',
    'Findings raised, by finding id; 0 when the id was checked and nothing was found.',
    checked.map((id) => [{id}, found.get(id)?.length ?? 0]),
  )
  metric(
    'sessdoc_finding_severity',
    'Worst severity of the findings of an id: 0 none, 1 info, 2 warning, 3 critical.',
    checked.map((id) => [{id}, Math.max(0, ...(found.get(id) ?? []).map((f) => severityValue[f.severity]))]),
  )
  metric(
    'sessdoc_source_up',
    'Whether the source was analyzed (1) or failed (0).',
    (Object.keys(report.sources) as SourceKey[]).map((key) => [
      {source: sourceLabel[key]},
      report.sources[key]!.status === 'analyzed' ? 1 : 0,
    ]),
  )
  const access = analyzedSection(report, 'accessLog')
  const tomcat = analyzedSection(report, 'tomcatLog')
  const redis = analyzedSection(report, 'redis')
  const stats = redis?.stats
  const scan = redis?.scan
  metric('sessdoc_access_route_flips', 'Route changes within one session id in the window.', [[{}, access?.routeFlips]])
  metric('sessdoc_access_sessions_with_flips', 'Session ids that changed route.', [[{}, access?.sessionsWithFlips]])
  metric('sessdoc_sessions', 'Distinct sessions seen, by source.', [
    [{source: 'access-log'}, access?.sessions],
    [{source: 'redis'}, scan?.sessions],
  ])
  metric('sessdoc_access_session_id_in_url_requests', 'Requests with ;jsessionid= in the URL.', [[{}, access?.sessionIdInUrl]])
  metric(
    'sessdoc_tomcat_events',
    'Classified application-log events by category.',
    Object.entries(tomcat?.byCategory ?? {}).map(([category, n]) => [{category}, n]),
  )
  metric('sessdoc_redis_sessions_without_ttl', 'Session keys without a TTL.', [[{}, scan?.sessionsWithoutTtl]])
  metric('sessdoc_redis_used_memory_bytes', 'Redis used_memory.', [[{}, stats?.memory.usedBytes ?? undefined]])
  metric('sessdoc_redis_max_memory_bytes', 'Redis maxmemory (0 = none).', [[{}, stats?.memory.maxBytes ?? undefined]])
  metric(
    'sessdoc_redis_evicted_keys_total',
    'Keys Redis evicted since it started (INFO evicted_keys).',
    [[{}, stats?.evictedKeys]],
    'counter',
  )
  metric('sessdoc_redis_hit_rate_ratio', 'Keyspace hits / (hits + misses), 0 to 1.', [[{}, stats?.hitRate ?? undefined]])
  return lines.join('\n') + '\n'
}

/**
 * The finding ids checked: those an analyzed section lists in `checked` (every id of its source when
 * it lists none), the correlations when diagnose ran them, and any id found.
 */
function checkedIds(report: Report): FindingId[] {
  const checked = new Set<FindingId>(report.findings.map((f) => f.id))
  for (const key of Object.keys(report.sources) as SourceKey[]) {
    const section = report.sources[key]
    if (section?.status !== 'analyzed') continue
    for (const id of section.checked ?? findingIds.filter((id) => findingCatalog[id].source === sourceLabel[key])) checked.add(id)
  }
  if (report.diagnosis) for (const id of correlationsRun(report)) checked.add(id)
  return findingIds.filter((id) => checked.has(id))
}

/** The correlations that had their inputs: flips and Redis errors against restarts need both logs analyzed. */
function correlationsRun(report: Report): FindingId[] {
  const analyzed = (key: SourceKey): boolean => report.sources[key]?.status === 'analyzed'
  const bothLogs = analyzed('accessLog') && analyzed('tomcatLog')
  const anySource = (Object.keys(report.sources) as SourceKey[]).some(analyzed)
  const ran: FindingId[] = []
  if (bothLogs) ran.push('correlation.flips-after-restart', 'correlation.redis-errors-logouts')
  if (anySource) ran.push('correlation.strategy-fit')
  return ran
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`
}
