import {redisScanMarkdown, redisScanText} from './redis-scan.js'
import {redisStatsMarkdown, redisStatsText, withoutStatsFigures} from './redis-stats.js'
import type {SectionRenderer} from './section-renderer.js'

/** The Redis section: server stats (redis stats), then the keyspace scan (redis scan); diagnose shows both. */
export const redisRenderer: SectionRenderer = {
  title: 'Redis',
  text: (section, context) => [...redisStatsText(section, context), ...redisScanText(withoutStatsFigures(section), context)],
  markdown: (section, options) => [...redisStatsMarkdown(section, options), ...redisScanMarkdown(withoutStatsFigures(section), options)],
}
