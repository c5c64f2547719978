import {readFile} from 'node:fs/promises'
import type {Readable} from 'node:stream'
import createDebug from 'debug'
import {analyzeAccessLogs} from '../access-log/index.js'
import type {AccessLogOptions} from '../access-log/types.js'
import {checkConfig, knownRoutesFromApacheConf} from '../config/index.js'
import type {TimeWindow} from '../input/time-window.js'
import type {RedactOptions} from '../redact.js'
import {analyzeRedis} from '../redis/analyze.js'
import {describeTarget, type RedisTarget} from '../redis/connection/index.js'
import {redisResult} from '../redis/result.js'
import {defaultScanThresholds, type ScanThresholds} from '../redis/scan/checks.js'
import type {RedisScanOptions} from '../redis/scan/index.js'
import {defaultRedisStatsThresholds, type RedisStatsThresholds} from '../redis/stats/index.js'
import {buildReport} from '../report/report.js'
import type {Diagnosis, Finding, Report, SourceKey, SourceResult} from '../report/types.js'
import {analyzeTomcatLogs} from '../tomcat-log/index.js'
import {flipsAfterRestart, redisErrorsLogouts} from './correlate.js'
import {gatherEvidence} from './evidence.js'
import {rankCauses} from './playbooks.js'
import {strategyFit} from './strategy.js'
import {type CorrelationThresholds, correlationThresholds} from './thresholds.js'
import {mergeTimeline} from './timeline.js'

const debug = createDebug('sessdoc:diagnose')

export interface DiagnoseRequest {
  accessLog?: Omit<AccessLogOptions, 'window' | 'redact' | 'signal' | 'stdin'>
  tomcatLog?: {paths: string[]; timezone?: string}
  redis?: {
    target: RedisTarget
    /** A default address nobody asked for: unreachable means skipped, not a finding. */
    probeOnly?: boolean
    scan?: boolean
    scanOptions?: Pick<RedisScanOptions, 'preset' | 'pattern' | 'namespace' | 'count' | 'maxRate'>
  }
  config?: {apacheConf?: string[]; tomcatConf?: string[]; appConfig?: string[]}
  /** Which inputs were looked for and not found (the usual places). */
  skipped?: Diagnosis['inputs']
  window: TimeWindow
  redact: RedactOptions
  thresholds?: Partial<CorrelationThresholds & RedisStatsThresholds & ScanThresholds>
  signal?: AbortSignal
  stdin?: Readable
  now?: Date
}

/** Runs every requested source concurrently; a failing source is an error section, the rest goes on. */
export async function diagnose(request: DiagnoseRequest): Promise<Report> {
  const {window, redact, signal} = request
  const jobs: Array<Promise<SourceResult | null>> = []
  const guard = (key: SourceKey, job: () => Promise<SourceResult | null>): void => {
    jobs.push(
      job().catch((error: Error) => {
        debug('%s failed: %s', key, error.stack)
        return {
          key,
          section: {
            status: 'error',
            reason: `internal error while analyzing (${error.message}); run again with DEBUG=sessdoc:* and report it`,
          },
          findings: [],
        }
      }),
    )
  }

  const accessLog = request.accessLog
  if (accessLog) {
    guard('accessLog', async () => {
      const workers =
        accessLog.workers ?? (request.config?.apacheConf?.length ? await routesFromConfig(request.config.apacheConf) : undefined)
      const apacheConf =
        accessLog.apacheConf ?? (request.config?.apacheConf?.[0] ? await readConf(request.config.apacheConf[0]) : undefined)
      // The access-log formats the configs declare beat detection (#15).
      const configs = accessLog.configs ?? [...(request.config?.apacheConf ?? []), ...(request.config?.tomcatConf ?? [])]
      return analyzeAccessLogs({
        ...accessLog,
        ...(workers?.length ? {workers} : {}),
        ...(apacheConf ? {apacheConf} : {}),
        ...(configs.length ? {configs} : {}),
        window,
        redact,
        signal,
        stdin: request.stdin,
      })
    })
  }
  const tomcatLog = request.tomcatLog
  if (tomcatLog) guard('tomcatLog', () => analyzeTomcatLogs({...tomcatLog, window, redact, signal, stdin: request.stdin}))
  const redis = request.redis
  if (redis) guard('redis', () => redisJob(redis, request))
  const config = request.config
  if (config && (config.apacheConf?.length || config.tomcatConf?.length || config.appConfig?.length))
    guard('config', () => checkConfig({...config, redact}))

  const results = (await Promise.all(jobs)).filter((r): r is SourceResult => r !== null)
  const sources: Report['sources'] = Object.fromEntries(results.map((r) => [r.key, r.section]))
  const evidence = gatherEvidence({sources, findings: results.flatMap((r) => r.findings)})
  const t = {...correlationThresholds, ...pick(request.thresholds, correlationThresholds)}
  const correlations: Finding[] = [...flipsAfterRestart(evidence, t), ...redisErrorsLogouts(evidence, t), ...strategyFit(evidence, t)]
  for (const finding of correlations) evidence.findings.set(finding.id, finding)
  const report = buildReport({results, extraFindings: correlations, window, now: request.now})
  report.diagnosis = {
    inputs: [...inputsUsed(request), ...(request.skipped ?? [])],
    playbooks: rankCauses(evidence),
    timeline: mergeTimeline(evidence),
  }
  return report
}

/** Stats, then the scan when asked; a default address that does not answer is skipped. */
async function redisJob(redis: NonNullable<DiagnoseRequest['redis']>, request: DiagnoseRequest): Promise<SourceResult | null> {
  const analysis = await analyzeRedis(redis.target, {
    stats: {thresholds: pick(request.thresholds, defaultRedisStatsThresholds)},
    scan: redis.scan
      ? {
          ...redis.scanOptions,
          showSessionIds: request.redact.showSessionIds,
          thresholds: {...defaultScanThresholds, ...pick(request.thresholds, defaultScanThresholds)},
        }
      : undefined,
    signal: request.signal,
  })
  if (!analysis.ok && redis.probeOnly) {
    request.skipped?.push({
      source: 'redis',
      input: describeTarget(redis.target),
      used: false,
      reason: `nothing answered there (${analysis.failure.message})`,
    })
    return null
  }
  return redisResult(analysis)
}

async function routesFromConfig(paths: string[]): Promise<string[] | undefined> {
  const known = await knownRoutesFromApacheConf(paths).catch(() => undefined)
  return known?.routes.length ? known.routes : undefined
}

async function readConf(path: string): Promise<{path: string; text: string} | undefined> {
  try {
    return {path, text: await readFile(path, 'utf8')}
  } catch {
    return undefined
  }
}

function inputsUsed(request: DiagnoseRequest): Diagnosis['inputs'] {
  const used: Diagnosis['inputs'] = []
  for (const path of request.accessLog?.paths ?? []) used.push({source: 'accessLog', input: path, used: true})
  for (const path of request.tomcatLog?.paths ?? []) used.push({source: 'tomcatLog', input: path, used: true})
  if (request.redis && !request.skipped?.some((s) => s.source === 'redis'))
    used.push({source: 'redis', input: describeTarget(request.redis.target), used: true})
  for (const path of [...(request.config?.apacheConf ?? []), ...(request.config?.tomcatConf ?? []), ...(request.config?.appConfig ?? [])]) {
    used.push({source: 'config', input: path, used: true})
  }
  return used
}

/** The overrides that belong to one set of thresholds. */
function pick<T extends object>(overrides: Partial<Record<string, number>> | undefined, defaults: T): Partial<T> {
  if (!overrides) return {}
  const keys = Object.keys(defaults)
  return Object.fromEntries(Object.entries(overrides).filter(([k]) => keys.includes(k))) as Partial<T>
}
