import {redisStatsMarkdown, redisStatsText, withoutStatsFigures} from './redis-stats.js'
import {genericRenderer, type SectionRenderer} from './section-renderer.js'

// The scan figures: generic until redis scan brings its own renderer (call it below, beside the stats one).
const scanPart = genericRenderer('Redis')

/** The Redis section: server stats (redis stats), then the keyspace scan (redis scan); diagnose shows both. */
export const redisRenderer: SectionRenderer = {
  title: 'Redis',
  text: (section, context) => [...redisStatsText(section, context), ...scanPart.text(withoutStatsFigures(section), context)],
  markdown: (section, options) => [...redisStatsMarkdown(section, options), ...scanPart.markdown(withoutStatsFigures(section), options)],
}
