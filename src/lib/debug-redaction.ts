import {formatWithOptions, type InspectOptions} from 'node:util'
import createDebug from 'debug'
import {hashId, maskUrlPasswords, scrubText} from '../core/redact.js'

// sessdoc, oclif and ioredis share one copy of `debug` (node_modules/debug): every line any of them
// logs goes through createDebug.log, so one redaction there covers all three. DEBUG=* then shows
// neither a password (oclif logs argv, ioredis logs AUTH) nor a session key (ioredis logs commands).

type DebugWithLog = typeof createDebug & {log: (...args: unknown[]) => void; inspectOpts?: InspectOptions}

const secrets = new Set<string>()
let installed = false

/** Routes every `debug` line through redactDebugText; call before oclif starts (bin/run.js). */
export function installDebugRedaction(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): void {
  for (const secret of secretsIn(argv, env)) secrets.add(secret)
  if (installed) return
  installed = true
  const debug = createDebug as DebugWithLog
  debug.log = (...args: unknown[]) => {
    process.stderr.write(`${redactDebugText(formatWithOptions(debug.inspectOpts ?? {}, ...args), secrets)}\n`)
  }
}

/** The passwords a run may know: the environment's, --password's and those inside URLs on the command line. */
export function secretsIn(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const found = [env.SESSDOC_REDIS_PASSWORD, env.REDISCLI_AUTH]
  argv.forEach((arg, i) => {
    if (arg === '--password') found.push(argv[i + 1])
    else if (arg.startsWith('--password=')) found.push(arg.slice('--password='.length))
    for (const m of arg.matchAll(/:\/\/[^:/?#@\s]*:([^@/?#\s]+)@/g)) {
      found.push(m[1])
      found.push(safeDecode(m[1]!))
    }
  })
  return found.filter((s): s is string => typeof s === 'string' && s.length > 0)
}

const ansi = /\u001b\[[0-9;]*m/g
// ioredis: "write command[host:port]: 0 -> name(args)", args an inspected array or a cut string.
const ioredisCommand = /(-> )([A-Za-z.|-]+)\((.*)\)$/s
// Commands whose arguments are ours (keywords, cursors, counts), never data nor credentials.
const plainCommands = new Set(['ping', 'info', 'dbsize', 'role', 'quit', 'select', 'client', 'cluster', 'readonly', 'scan', 'sentinel'])
const credentialCommands = new Set(['auth', 'hello', 'acl', 'migrate'])
const keyword = /^(?:[A-Za-z][A-Za-z_-]{0,31}|-?\d+(?:\.\d+)?)$/

/** Passwords masked, session keys in Redis commands hashed (as in the report), then scrubText. */
export function redactDebugText(text: string, known: Iterable<string> = secrets): string {
  let out = text.replace(ansi, '')
  for (const secret of known) out = out.split(secret).join('***')
  out = maskUrlPasswords(out)
  out = out.replace(ioredisCommand, (_m, arrow: string, name: string, args: string) => `${arrow}${name}(${redactArgs(name, args)})`)
  return scrubText(out)
}

function redactArgs(name: string, args: string): string {
  const command = name.toLowerCase()
  if (credentialCommands.has(command)) return '[ *** ]'
  if (command === 'config' && /requirepass|masterauth|masteruser/i.test(args)) return '[ *** ]'
  if (plainCommands.has(command) || command === 'config' || command === 'script') return args
  // Anything else may name a key (PTTL, MEMORY USAGE, HMGET, EXPIRE, EVALSHA with keys): every
  // argument that is not a keyword or a number is taken for one.
  return args.replace(/[^\s'",[\]()<>=]+/g, (word) => (keyword.test(word) || isGlob(word) ? word : redactKeyWord(word)))
}

/** SCAN's MATCH pattern (the user's --pattern), not a key. */
function isGlob(word: string): boolean {
  return word.includes('*')
}

/** `spring:session:sessions:<id>` → `spring:session:sessions:sid:1a2b3c4d`: the prefix kept, the rest hashed. */
function redactKeyWord(word: string): string {
  if (word.startsWith('sid:') || word === '***') return word
  const colon = word.lastIndexOf(':')
  return `${word.slice(0, colon + 1)}sid:${hashId(word.slice(colon + 1))}`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
