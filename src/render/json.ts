import {scrubReport} from '../core/report/scrub.js'
import type {FailedSection, RedisScanFigures, RedisSection, RedisStatsFigures, Report} from '../core/report/types.js'
import type {RenderOptions} from './options.js'

/** `sources.redis` as the JSON report shows it (CONTRACT.md): stats and scan figures side by side. */
export type FlatRedisSection = Omit<RedisSection, 'stats' | 'scan'> & Partial<RedisStatsFigures> & Partial<RedisScanFigures>

/** The report as `--json` prints it. */
export type JsonReport = Omit<Report, 'sources'> & {
  sources: Omit<Report['sources'], 'redis'> & {redis?: FlatRedisSection | FailedSection}
}

/** The JSON report of CONTRACT.md, schemaVersion 1. */
export function renderJson(report: Report, options: RenderOptions = {}): string {
  const scrubbed = scrubReport(report, options)
  return (
    JSON.stringify(
      scrubbed.sources.redis ? {...scrubbed, sources: {...scrubbed.sources, redis: flatRedis(scrubbed.sources.redis)}} : scrubbed,
      null,
      2,
    ) + '\n'
  )
}

/**
 * CONTRACT.md keeps `sources.redis` flat: the stats and the scan figures side by side. Inside,
 * each is its own object; they are spread where they stand, so the key order is the section's.
 */
function flatRedis(section: NonNullable<Report['sources']['redis']>): FlatRedisSection {
  const flat: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(section)) {
    if ((key === 'stats' || key === 'scan') && value && typeof value === 'object') Object.assign(flat, value)
    else flat[key] = value
  }
  return flat as FlatRedisSection
}
