import {analyzeRedis} from '../../core/redis/analyze.js'
import {redisResult} from '../../core/redis/result.js'
import {buildReport} from '../../core/report/report.js'
import {SessdocCommand} from '../../lib/base-command.js'
import {redisFlags} from '../../lib/flags.js'
import {redisSpecOf, redisTargetOf, warnOnStderr} from '../../lib/redis-target.js'

export default class RedisStats extends SessdocCommand {
  static override summary = 'Check whether a Redis is fit to hold sessions: memory, eviction policy, hit rate, replication.'
  static override description =
    'Reads INFO, CONFIG GET maxmemory* and ROLE (every node of a Cluster, the Sentinel view when connected through Sentinel) and reports memory pressure, eviction policy, evictions, hit rate, keys without expiry, persistence and redundancy. Read-only.'
  static override examples = [
    '<%= config.bin %> redis stats --redis redis://127.0.0.1:6379',
    'SESSDOC_REDIS_PASSWORD=… <%= config.bin %> redis stats --redis rediss://audit@redis.internal:6380 --tls-ca ca.pem --json',
    '<%= config.bin %> redis stats --sentinel 10.0.0.1:26379,10.0.0.2:26379 --sentinel-master sessions',
    '<%= config.bin %> redis stats --redis redis://10.0.0.7:7000 --cluster --format markdown -o redis.md',
  ]
  static override flags = {...redisFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(RedisStats)
    const {target, warnings} = redisTargetOf(redisSpecOf(flags))
    warnOnStderr(warnings)
    const analysis = await analyzeRedis(target, {stats: {}, signal: this.signal})
    await this.emit(buildReport({results: [redisResult(analysis)]}), flags)
  }
}
