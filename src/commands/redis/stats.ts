import {SessdocCommand} from '../../lib/base-command.js'
import {UserError} from '../../lib/errors.js'
import {redisFlags} from '../../lib/flags.js'

export default class RedisStats extends SessdocCommand {
  static override summary = 'Check whether a Redis is fit to hold sessions: memory, eviction policy, hit rate, replication.'
  static override description =
    'Reads INFO, CONFIG GET maxmemory* and ROLE (every node of a Cluster, the Sentinel view when connected through Sentinel) and reports memory pressure, eviction policy, evictions, hit rate, keys without expiry, persistence and redundancy.'
  static override examples = ['<%= config.bin %> redis stats --redis redis://127.0.0.1:6379', '<%= config.bin %> redis stats --sentinel 10.0.0.1:26379,10.0.0.2:26379 --sentinel-master sessions']
  static override flags = {...redisFlags}

  async run(): Promise<void> {
    await this.parse(RedisStats)
    throw new UserError('sessdoc redis stats is not built yet (issue #6)', 'use redis-cli INFO for now; this command will come in a later release')
  }
}
