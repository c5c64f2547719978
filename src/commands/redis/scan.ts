import {analyzeRedis} from '../../core/redis/analyze.js'
import {redisResult} from '../../core/redis/result.js'
import {buildReport} from '../../core/report/report.js'
import {SessdocCommand} from '../../lib/base-command.js'
import {redisFlags} from '../../lib/flags.js'
import {progressBar} from '../../lib/progress-bar.js'
import {redisScanFlags, scanOptionsOf} from '../../lib/redis-scan-flags.js'
import {redisSpecOf, redisTargetOf, warnOnStderr} from '../../lib/redis-target.js'

export default class RedisScan extends SessdocCommand {
  static override summary = 'Scan a Redis session store for sessions without TTL and large sessions (SCAN, never KEYS).'
  static override description =
    'Walks the keyspace with SCAN and a bounded COUNT (every primary of a Cluster in parallel), reads PTTL and MEMORY USAGE per batch, and reports per session layout: sessions, sessions without TTL, TTL and size distributions, the largest sessions and the inactivity timeout. Read-only unless --fix-ttl … --yes.'
  static override examples = [
    '<%= config.bin %> redis scan --redis redis://10.0.0.5:6379',
    'SESSDOC_REDIS_PASSWORD=… <%= config.bin %> redis scan --redis rediss://audit@redis.internal:6380 --tls-ca ca.pem --json',
    '<%= config.bin %> redis scan --preset spring-session --namespace myapp:session --max-rate 20000',
    '<%= config.bin %> redis scan --fix-ttl 1800          # dry run: lists the sessions that would get a TTL',
    '<%= config.bin %> redis scan --fix-ttl 1800 --yes    # sets it (EXPIRE … NX), only on sessions without TTL',
  ]
  static override flags = {...redisFlags, ...redisScanFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(RedisScan)
    const {target, warnings} = redisTargetOf(redisSpecOf(flags))
    if (flags.password) {
      target.password = flags.password
      warnings.push('--password shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD instead')
    }
    const scan = scanOptionsOf(flags)
    warnOnStderr(warnings) // under --json too: a password in ps must not go unnoticed
    const bar = flags.json || flags.format === 'json' ? undefined : progressBar(process.stderr, 'scanning')
    try {
      const onProgress = bar ? ({scanned, total}: {scanned: number; total: number}) => bar.update(scanned, total) : undefined
      const analysis = await analyzeRedis(target, {scan: {...scan, onProgress}, signal: this.signal})
      bar?.done()
      await this.emit(buildReport({results: [redisResult(analysis)]}), flags)
    } finally {
      bar?.done()
    }
  }
}
