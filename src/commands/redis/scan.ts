import {Flags} from '@oclif/core'
import {RedisTargetError, redisTargetFromFlags} from '../../core/redis/connection.js'
import {presetNames, runRedisScan} from '../../core/redis/scan/index.js'
import {progressBar} from '../../core/redis/scan/progress.js'
import {buildReport} from '../../core/report/report.js'
import {SessdocCommand} from '../../lib/base-command.js'
import {UserError} from '../../lib/errors.js'
import {redisFlags, wholeNumber} from '../../lib/flags.js'

/** 30 days: a TTL longer than any session timeout is no fix for sessions that never expire. */
const MAX_FIX_TTL_SECONDS = 30 * 24 * 3600

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
  static override flags = {
    ...redisFlags,
    password: Flags.string({
      description: 'Redis password (shows in ps and shell history: prefer SESSDOC_REDIS_PASSWORD).',
      helpGroup: 'REDIS',
    }),
    preset: Flags.option({
      options: presetNames,
      description: 'Session layout to look for (default: every known layout, detected from the keys).',
    })(),
    pattern: Flags.string({
      description: 'SCAN MATCH glob whose keys are all sessions, e.g. "myapp:sess:*" (with --preset for its companion keys).',
    }),
    namespace: Flags.string({description: 'Spring Session namespace (default: any; spring:session is the usual one).'}),
    count: wholeNumber({
      description:
        'SCAN COUNT per call, 10 to 10000: about 2 ms of server time per call at 1000 (the TTL+size script scans a quarter of it per call).',
      default: 1000,
      min: 10,
      max: 10_000,
      hint: 'e.g. --count 1000 (the default)',
    }),
    'max-rate': wholeNumber({
      description: 'Keys per second at most, over all nodes, up to 10000000 (0: no limit).',
      default: 0,
      min: 0,
      max: 10_000_000,
      hint: 'e.g. --max-rate 20000, or 0 for no limit',
    }),
    lanes: Flags.option({
      options: ['auto', '1', '2', '4'] as const,
      default: 'auto' as const,
      description:
        'Cursor lanes walked at once per node (auto: 2 from 100k keys, else 1; a Cluster node: 1, its nodes run in parallel). Each call stays as short; more lanes keep the server busy more of the time.',
    })(),
    'sample-memory': Flags.string({description: 'Share of sessions sized with MEMORY USAGE, 0..1 (0 skips sizes).', default: '1'}),
    'fix-ttl': wholeNumber({
      description: 'Give sessions without TTL this TTL in seconds, 1 to 2592000 (30 days); a dry run unless --yes.',
      min: 1,
      max: MAX_FIX_TTL_SECONDS,
      hint: 'the session timeout in seconds, e.g. --fix-ttl 1800 (30 minutes); at most 30 days (2592000)',
    }),
    yes: Flags.boolean({description: 'With --fix-ttl: really set the TTLs.', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(RedisScan)
    const {target, warnings} = resolveTarget(flags)
    if (flags.password) {
      target.password = flags.password
      warnings.push('--password shows in ps and the shell history: set SESSDOC_REDIS_PASSWORD instead')
    }
    if (flags['fix-ttl'] !== undefined && flags.replica)
      throw new UserError('--fix-ttl writes, and replicas refuse writes', 'drop --replica to set TTLs on the primaries')
    if (flags.yes && flags['fix-ttl'] === undefined)
      throw new UserError('--yes only confirms --fix-ttl', 'add --fix-ttl SECONDS, or drop --yes')
    const sampleMemory = Number(flags['sample-memory'])
    if (!Number.isFinite(sampleMemory) || sampleMemory < 0 || sampleMemory > 1)
      throw new UserError(
        `--sample-memory ${flags['sample-memory']} is not a share between 0 and 1`,
        'e.g. --sample-memory 0.1 sizes one session in ten',
      )
    // On stderr also under --json (oclif's warn() is silent then): a password in ps must not go unnoticed.
    for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`)
    const bar = flags.json || flags.format === 'json' ? undefined : progressBar(process.stderr, 'scanning')
    try {
      const result = await runRedisScan(target, {
        preset: flags.preset,
        pattern: flags.pattern,
        namespace: flags.namespace,
        count: flags.count,
        maxRate: flags['max-rate'],
        lanes: flags.lanes === 'auto' ? undefined : Number(flags.lanes),
        sampleMemory,
        fixTtl: flags['fix-ttl'] === undefined ? undefined : {seconds: flags['fix-ttl'], apply: flags.yes},
        showSessionIds: flags['show-session-ids'],
        signal: this.signal,
        onProgress: bar ? ({scanned, total}) => bar.update(scanned, total) : undefined,
      })
      bar?.done()
      await this.emit(buildReport({results: [result]}), flags)
    } finally {
      bar?.done()
    }
  }
}

function resolveTarget(flags: Parameters<typeof redisTargetFromFlags>[0]): ReturnType<typeof redisTargetFromFlags> {
  try {
    return redisTargetFromFlags(flags)
  } catch (error) {
    if (error instanceof RedisTargetError) throw new UserError(error.message, error.hint)
    throw error
  }
}
