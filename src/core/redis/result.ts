import {findingCatalog, findingIds} from '../report/catalog.js'
import {makeFinding} from '../report/report.js'
import type {Finding, RedisSection, SourceResult} from '../report/types.js'
import type {RedisAnalysis} from './analyze.js'
import {connectionFailureFinding, describeTarget, type RedisConnectionFailure, type RedisTarget} from './connection/index.js'
import {scanFindingIds} from './scan/checks.js'
import type {RedisScanResult} from './scan/index.js'
import type {RedisStatsCollection} from './stats/index.js'

/** The `redis` section and findings of an analysis: the stats, the scan, or both in one section. */
export function redisResult(analysis: RedisAnalysis): SourceResult<'redis'> {
  if (!analysis.ok) return redisConnectionFailureResult(analysis.failure, analysis.target, {misconf: analysis.asked.stats})
  const {stats, scan} = analysis
  if (stats && scan) return statsAndScanResult(redisStatsResult(stats), scan)
  if (stats) return redisStatsResult(stats)
  if (scan) return scanResult(scan, analysis)
  return {key: 'redis', section: {status: 'skipped', reason: 'neither stats nor scan was asked for'}, findings: []}
}

/** Every Redis finding but the scan's: the stats checks, and the connection and MISCONF findings of connecting. */
const statsFindingIds = findingIds.filter((id) => findingCatalog[id].source === 'redis' && !scanFindingIds.includes(id))

/** The `redis` section of a collection: analyzed with the figures, or error when no node could be read. */
export function redisStatsResult({figures, findings, partial, errors}: RedisStatsCollection): SourceResult<'redis'> {
  if (figures.nodes === 0) {
    const reason = errors.map((e) => e.message).join('; ') || 'no node answered INFO'
    return {key: 'redis', section: {status: 'error', reason}, findings}
  }
  const section: RedisSection = {status: 'analyzed', stats: figures, checked: statsFindingIds}
  if (partial) section.partial = true
  if (errors.length > 0) section.errors = errors
  return {key: 'redis', section, findings}
}

function scanResult(scan: RedisScanResult, analysis: RedisAnalysis & {ok: true}): SourceResult<'redis'> {
  const section: RedisSection = {
    status: 'analyzed',
    scan: scan.figures,
    checked: ['redis.unreachable', 'redis.auth-failed', ...scanFindingIds],
  }
  if (scan.partial || analysis.interrupted) section.partial = true
  const errors = [...scan.errors, ...analysis.warnings.map((w) => ({input: describeTarget(analysis.target), message: w}))]
  if (errors.length > 0) section.errors = errors
  return {key: 'redis', section, findings: scan.findings}
}

function statsAndScanResult(stats: SourceResult<'redis'>, scan: RedisScanResult): SourceResult<'redis'> {
  const errors = [...(stats.section.errors ?? []), ...scan.errors]
  const checked = [...new Set([...(stats.section.checked ?? []), ...scanFindingIds])]
  const section: RedisSection = {...stats.section, scan: scan.figures, status: 'analyzed', checked}
  if (stats.section.partial || scan.partial) section.partial = true
  if (errors.length > 0) section.errors = errors
  return {key: 'redis', section, findings: [...stats.findings, ...scan.findings]}
}

/**
 * The `redis` section when connectRedis failed: status error and a critical finding. A primary whose
 * snapshots fail answers MISCONF even to PING: it is up, and persistence-failing (a stats finding,
 * so only when the stats were asked for) is the finding.
 */
function redisConnectionFailureResult(
  failure: {kind: RedisConnectionFailure['kind']; message: string},
  target: RedisTarget,
  options: {misconf: boolean},
): SourceResult<'redis'> {
  // A db that cannot be used is the user's mistake: the section says so, the report is UNKNOWN (exit 3).
  if (failure.kind === 'bad-db') return {key: 'redis', section: {status: 'error', reason: failure.message}, findings: []}
  const finding =
    options.misconf && /MISCONF/.test(failure.message) ? misconfFinding(failure.message) : connectionFailureFinding(failure, target)
  return {key: 'redis', section: {status: 'error', reason: failure.message}, findings: [finding]}
}

function misconfFinding(message: string): Finding {
  return makeFinding('redis.persistence-failing', {
    severity: 'critical',
    detail: `Redis answers MISCONF to every write and even to PING: its last RDB snapshot failed and stop-writes-on-bgsave-error is yes, so no session can be saved (the other figures could not be read).\n${message}`,
    evidence: {reply: 'MISCONF'},
  })
}
