import type {Block} from '../blocks.js'
import {redisScanBlocks} from './redis-scan.js'
import {redisStatsBlocks} from './redis-stats.js'
import type {SectionView} from './section-view.js'

/** The Redis section: server stats (redis stats), then the keyspace scan (redis scan); diagnose shows both. */
export const redisView: SectionView<'redis'> = {
  title: 'Redis',
  blocks: (section): Block[] => [
    ...(section.stats ? redisStatsBlocks(section.stats) : []),
    ...(section.scan ? redisScanBlocks(section.scan) : []),
  ],
}
