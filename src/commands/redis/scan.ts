import {SessdocCommand} from '../../lib/base-command.js'
import {UserError} from '../../lib/errors.js'
import {redisFlags} from '../../lib/flags.js'

export default class RedisScan extends SessdocCommand {
  static override summary = 'Scan a Redis session store for sessions without TTL and large sessions (SCAN, never KEYS).'
  static override description =
    'Walks the keyspace with SCAN and a bounded COUNT, pipelines PTTL and MEMORY USAGE, and reports session counts, keys without TTL, TTL and size distributions and the largest sessions. Read-only unless --fix-ttl --yes.'
  static override examples = ['<%= config.bin %> redis scan --redis redis://10.0.0.5:6379', 'SESSDOC_REDIS_PASSWORD=… <%= config.bin %> redis scan --redis rediss://audit@redis.internal:6380 --tls-ca ca.pem --json']
  static override flags = {...redisFlags}

  async run(): Promise<void> {
    await this.parse(RedisScan)
    throw new UserError('sessdoc redis scan is not built yet (issue #5)', 'use redis-cli --scan for now; this command will come in a later release')
  }
}
