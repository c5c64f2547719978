export {connectRedis} from './connect.js'
export {connectionFailureFinding, type FailureKind} from './errors.js'
export {
  defaultConnectTimeoutMs,
  defaultRedisUrl,
  describeTarget,
  type RedisTarget,
  RedisTargetError,
  type RedisTargetSpec,
  redisTarget,
} from './target.js'
export {parseClusterNodes} from './topology.js'
export type {
  ClusterNodeInfo,
  RedisConnection,
  RedisConnectionFailure,
  RedisConnectionOk,
  RedisNode,
  SentinelView,
} from './types.js'
