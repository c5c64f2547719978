import {Flags, type Interfaces} from '@oclif/core'
import {presetNames, type RedisScanOptions} from '../core/redis/scan/index.js'
import {UserError} from './errors.js'
import {wholeNumber} from './flags.js'

/** 30 days: a TTL longer than any session timeout is no fix for sessions that never expire. */
const MAX_FIX_TTL_SECONDS = 30 * 24 * 3600

/** The flags of `redis scan` beside the connection flags. */
export const redisScanFlags = {
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

type ScanFlagValues = Interfaces.InferredFlags<typeof redisScanFlags> & {replica?: boolean; 'show-session-ids': boolean}

/** The scan options of the flags; contradictory or out-of-range values are usage errors. */
export function scanOptionsOf(flags: ScanFlagValues): RedisScanOptions {
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
  return {
    preset: flags.preset,
    pattern: flags.pattern,
    namespace: flags.namespace,
    count: flags.count,
    maxRate: flags['max-rate'],
    lanes: flags.lanes === 'auto' ? undefined : Number(flags.lanes),
    sampleMemory,
    fixTtl: flags['fix-ttl'] === undefined ? undefined : {seconds: flags['fix-ttl'], apply: flags.yes},
    showSessionIds: flags['show-session-ids'],
  }
}
