import type {FindingId} from '../report/catalog.js'
import type {Category} from './types.js'

/**
 * The classification rules, as data. A rule matches an event when every condition it names
 * holds: `exception` (a class anywhere in the chain: a simple name, or a fully qualified one when
 * it has dots), `text` (a substring of the log message or of any exception message in the chain,
 * old "; nested exception is" wording included), `context` (a substring anywhere in the event,
 * frames included) and `logger` (a logger-name prefix). Rules are tried in order; the first match
 * wins, so the specific ones come first.
 */
export interface Rule {
  id: string
  category: Exclude<Category, 'lifecycle'>
  finding: FindingId
  exception?: readonly string[]
  text?: readonly string[]
  context?: readonly string[]
  logger?: readonly string[]
  /** The logger's class (its last segment), for loggers printed abbreviated (`o.a.c.t.g.i.TcpFailureDetector`). */
  loggerClass?: readonly string[]
  /** For Redis replies: the reply code named in the evidence. */
  reply?: string
}

const deserializing = [
  'deserializ',
  'Deserializ',
  'ObjectInputStream',
  'readObject',
  'persisted sessions',
  'sessions from persistent storage',
  'Failed to deserialize',
]
/** Classes of Tomcat's cluster packages (org.apache.catalina.ha, org.apache.catalina.tribes) that log replication failures. */
const replicationClasses = [
  'DeltaManager',
  'BackupManager',
  'ClusterManagerBase',
  'DeltaSession',
  'DeltaRequest',
  'ClusterSessionListener',
  'SimpleTcpCluster',
  'ReplicationValve',
  'JvmRouteBinderValve',
  'AbstractReplicatedMap',
  'LazyReplicatedMap',
  'ReplicatedMap',
  'GroupChannel',
  'TcpFailureDetector',
  'TcpPingInterceptor',
  'MessageDispatchInterceptor',
  'NioReceiver',
  'NioSender',
  'ParallelNioSender',
  'PooledParallelSender',
  'McastService',
  'McastServiceImpl',
  'StaticMembershipService',
  'ReplicationTransmitter',
]
const redisContext = ['redis', 'Redis', 'lettuce', 'jedis', 'redisson', ':6379']

export const rules: readonly Rule[] = [
  // Tomcat cluster (DeltaManager / BackupManager / Tribes) replication: first, because a replication
  // failure whose cause is a serialization exception is still a replication failure.
  {
    id: 'replication-message',
    category: 'replication',
    finding: 'tomcat.session-replication',
    text: [
      'Unable to receive message through TCP channel',
      'No session state send at',
      'No session state sent at',
      'Unable to serialize delta request',
      'Unable to serialize sessionID',
      'Unable to start BackupManager',
      'Failed to start BackupManager',
    ],
  },
  {
    id: 'replication-channel',
    category: 'replication',
    finding: 'tomcat.session-replication',
    exception: ['org.apache.catalina.tribes.ChannelException', 'ChannelException'],
    context: ['tribes', 'catalina.ha'],
  },
  {
    id: 'replication-logger',
    category: 'replication',
    finding: 'tomcat.session-replication',
    logger: ['org.apache.catalina.ha.', 'org.apache.catalina.tribes.', 'o.a.c.ha.', 'o.a.c.tribes.'],
  },
  {
    id: 'replication-logger-class',
    category: 'replication',
    finding: 'tomcat.session-replication',
    loggerClass: replicationClasses,
  },

  // A release changed a session class: every stored session of the previous release is unreadable.
  {id: 'invalid-class', category: 'serialization', finding: 'tomcat.class-incompatible', exception: ['InvalidClassException']},
  {
    id: 'serial-version-uid',
    category: 'serialization',
    finding: 'tomcat.class-incompatible',
    text: ['local class incompatible', 'serialVersionUID'],
  },
  {
    id: 'class-not-found-deserializing',
    category: 'serialization',
    finding: 'tomcat.class-incompatible',
    exception: ['ClassNotFoundException'],
    context: deserializing,
  },
  {
    id: 'class-not-found-persisted',
    category: 'serialization',
    finding: 'tomcat.class-incompatible',
    text: ['ClassNotFoundException while loading persisted sessions'],
  },

  {id: 'not-serializable', category: 'serialization', finding: 'tomcat.serialization', exception: ['NotSerializableException']},
  {
    id: 'cannot-serialize-attribute',
    category: 'serialization',
    finding: 'tomcat.serialization',
    text: ['Cannot serialize session attribute', 'Cannot serialize Principal object'],
  },
  {
    id: 'cannot-deserialize-attribute',
    category: 'serialization',
    finding: 'tomcat.class-incompatible',
    text: ['Cannot deserialize session attribute', 'Cannot deserialize Principal object'],
  },
  {
    id: 'session-manager-deserialize',
    category: 'serialization',
    finding: 'tomcat.class-incompatible',
    // Hazelcast's and memcached-session-manager's wordings.
    text: ['Unable to deserialize object in session', 'Could not deserialize session'],
  },
  {id: 'non-serializable-attribute', category: 'serialization', finding: 'tomcat.serialization', text: ['Non-serializable attribute']},
  {
    id: 'default-serializer',
    category: 'serialization',
    finding: 'tomcat.serialization',
    text: ['DefaultSerializer requires a Serializable payload'],
  },
  {id: 'write-aborted', category: 'serialization', finding: 'tomcat.serialization', exception: ['WriteAbortedException']},
  {
    id: 'serialization-failed',
    category: 'serialization',
    finding: 'tomcat.serialization',
    exception: ['SerializationFailedException', 'SerializationException'],
  },
  {
    id: 'session-persistence',
    category: 'serialization',
    finding: 'tomcat.serialization',
    text: [
      'Exception loading sessions from persistent storage',
      'Exception unloading sessions to persistent storage',
      'IOException while loading persisted sessions',
      'IOException while saving persisted sessions',
      'Error serializing Session',
      'Error deserializing Session',
    ],
  },

  // Redis answered, but with an error.
  {
    id: 'redis-oom',
    category: 'redis',
    finding: 'tomcat.redis-server-error',
    reply: 'OOM',
    text: ['OOM command not allowed', "command not allowed when used memory > 'maxmemory'"],
  },
  {id: 'redis-oom-class', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'OOM', exception: ['RedisOutOfMemoryException']},
  {
    id: 'redis-readonly',
    category: 'redis',
    finding: 'tomcat.redis-server-error',
    reply: 'READONLY',
    text: ["READONLY You can't write against a read only"],
  },
  {id: 'redis-noauth', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'NOAUTH', text: ['NOAUTH ']},
  {id: 'redis-wrongpass', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'WRONGPASS', text: ['WRONGPASS ']},
  {
    id: 'redis-loading',
    category: 'redis',
    finding: 'tomcat.redis-server-error',
    reply: 'LOADING',
    text: ['LOADING Redis is loading the dataset'],
  },
  {
    id: 'redis-loading-class',
    category: 'redis',
    finding: 'tomcat.redis-server-error',
    reply: 'LOADING',
    exception: ['RedisLoadingException'],
  },
  {id: 'redis-misconf', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'MISCONF', text: ['MISCONF ']},
  {id: 'redis-clusterdown', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'CLUSTERDOWN', text: ['CLUSTERDOWN ']},
  {id: 'redis-masterdown', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'MASTERDOWN', text: ['MASTERDOWN ']},
  {id: 'redis-busy', category: 'redis', finding: 'tomcat.redis-server-error', reply: 'BUSY', text: ['BUSY Redis is busy running a script']},
  {
    id: 'redis-busy-class',
    category: 'redis',
    finding: 'tomcat.redis-server-error',
    reply: 'BUSY',
    exception: ['RedisBusyException', 'JedisBusyException'],
  },

  // The application could not talk to Redis at all, or not in time.
  {id: 'redis-pool-exhausted', category: 'redis', finding: 'tomcat.redis-connection', text: ['Could not get a resource from the pool']},
  {id: 'redis-unable-to-connect', category: 'redis', finding: 'tomcat.redis-connection', text: ['Unable to connect to Redis']},
  {
    id: 'redis-connection-class',
    category: 'redis',
    finding: 'tomcat.redis-connection',
    exception: [
      'RedisConnectionFailureException',
      'io.lettuce.core.RedisConnectionException',
      'org.redisson.client.RedisConnectionException',
      'JedisConnectionException',
    ],
  },
  {
    id: 'redis-timeout',
    category: 'redis',
    finding: 'tomcat.redis-connection',
    exception: ['RedisCommandTimeoutException', 'org.redisson.client.RedisTimeoutException', 'RedisResponseTimeoutException'],
  },
  {
    id: 'redis-query-timeout',
    category: 'redis',
    finding: 'tomcat.redis-connection',
    exception: ['QueryTimeoutException'],
    context: redisContext,
  },
  {
    id: 'redis-end-of-stream',
    category: 'redis',
    finding: 'tomcat.redis-connection',
    text: ['Unexpected end of stream'],
    context: redisContext,
  },
  {
    id: 'redis-connection-refused',
    category: 'redis',
    finding: 'tomcat.redis-connection',
    text: ['Connection refused', 'Connection reset by peer'],
    context: redisContext,
  },
  {
    id: 'redis-other-reply',
    category: 'redis',
    finding: 'tomcat.redis-server-error',
    exception: ['RedisCommandExecutionException', 'JedisDataException', 'RedisSystemException', 'org.redisson.client.RedisException'],
  },

  // Sessions used after invalidate(), or refused for lack of room.
  {
    id: 'session-invalidated',
    category: 'session',
    finding: 'tomcat.session-invalidated',
    text: ['Session already invalidated', 'Session was invalidated'],
  },
  {
    id: 'too-many-sessions',
    category: 'session',
    finding: 'tomcat.session-invalidated',
    exception: ['TooManyActiveSessionsException'],
    text: undefined,
  },
  {id: 'too-many-sessions-text', category: 'session', finding: 'tomcat.session-invalidated', text: ['Too many active sessions']},
]
