/**
 * The lab's simulated users. Each keeps its own cookie jar and records every request it made: the planted truth that
 * sessdoc's figures are compared with.
 */
import {request} from 'node:http'

export interface RequestRecord {
  t: number
  user: number
  path: string
  status: number
  /** The JSESSIONID the user sent, as the app sees it (an HAProxy `prefix` cookie's `node~` removed); null if none. */
  sentId: string | null
  /** The node that answered (the body's node=), null on an error. */
  node: string | null
  /** The session the app used for this request (the body's session=). */
  session: string | null
  /** A JSESSIONID the response set (app view), or null. */
  receivedId: string | null
  /** The user sent an id and the node that answered had no such session (it made a new one): the session was lost. */
  reset: boolean
  /** The session was made by this request (the body's new=true). */
  fresh: boolean
}

export interface UserOptions {
  host: string
  port: number
  /** Source address (127.x.y.z) of the user's connections: nginx ip_hash hashes a client's first three octets. */
  localAddress?: string
}

/** `name~value` → value (HAProxy `cookie JSESSIONID prefix`). */
export function appId(cookieValue: string): string {
  const at = cookieValue.indexOf('~')
  return at >= 0 ? cookieValue.slice(at + 1) : cookieValue
}

export class LabUser {
  readonly jar = new Map<string, string>()
  readonly records: RequestRecord[] = []

  constructor(
    readonly id: number,
    private readonly options: UserOptions,
  ) {}

  get userAgent(): string {
    return `sessdoc-lab-user/${this.id}`
  }

  /** One GET; never throws (a failed request is recorded with status 0). */
  get(path: string): Promise<RequestRecord> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const sentCookie = this.jar.get('JSESSIONID')
    const sentId = sentCookie === undefined ? null : appId(sentCookie)
    const t = Date.now()
    return new Promise((resolve) => {
      const finish = (status: number, body: string, setCookies: string[]): void => {
        for (const line of setCookies) {
          const [pair] = line.split(';')
          const eq = pair!.indexOf('=')
          if (eq > 0) this.jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
        }
        const setSession = setCookies.map((l) => /^JSESSIONID=([^;]*)/.exec(l)?.[1]).find((v) => v !== undefined)
        const fields = Object.fromEntries(
          body
            .trim()
            .split(' ')
            .map((kv) => kv.split('=') as [string, string]),
        )
        const session = status === 200 && fields.session && fields.session !== '-' ? fields.session : null
        const record: RequestRecord = {
          t,
          user: this.id,
          path,
          status,
          sentId,
          node: status === 200 ? (fields.node ?? null) : null,
          session,
          receivedId: setSession === undefined ? null : appId(setSession),
          reset: sentId !== null && fields.new === 'true',
          fresh: fields.new === 'true',
        }
        this.records.push(record)
        resolve(record)
      }
      const req = request(
        {
          host: this.options.host,
          port: this.options.port,
          path,
          localAddress: this.options.localAddress,
          agent: false,
          headers: {'user-agent': this.userAgent, ...(cookie ? {cookie} : {})},
          timeout: 10_000,
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => {
            body += c
          })
          res.on('end', () => finish(res.statusCode ?? 0, body, res.headers['set-cookie'] ?? []))
          res.on('error', () => finish(0, '', []))
        },
      )
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => finish(0, '', []))
      req.end()
    })
  }
}

export interface Users {
  users: LabUser[]
  /** Every request of every user, in time order. */
  records(): RequestRecord[]
}

export function makeUsers(count: number, options: UserOptions & {distinctNetworks?: boolean}): Users {
  const users = Array.from(
    {length: count},
    (_, i) => new LabUser(i, {...options, localAddress: options.distinctNetworks ? `127.0.${i + 1}.1` : options.localAddress}),
  )
  return {
    users,
    records: () => users.flatMap((u) => u.records).sort((a, b) => a.t - b.t),
  }
}

/**
 * Every user arrives: a first page (new session), then a login (changeSessionId), then the cart (`badCart` users get one
 * that cannot be serialized). Step by step for all users, so the balancer's picks for unknown routes interleave.
 */
export async function arrive(users: Users, badCart: (user: LabUser) => boolean = () => false): Promise<void> {
  await forEachUser(users, (u) => u.get('/app/hello'))
  await forEachUser(users, (u) => u.get('/app/login'))
  await forEachUser(users, (u) => u.get(badCart(u) ? '/app/cart?bad=1' : '/app/cart'))
}

/** `rounds` rounds in which every user makes one request (hello, or cart every third round). */
export async function browse(users: Users, rounds: number): Promise<void> {
  for (let r = 0; r < rounds; r++) await forEachUser(users, (u) => u.get(r % 3 === 2 ? '/app/cart' : '/app/hello'))
}

/**
 * Runs `fn` for each user in turn. One at a time on purpose: the balancers' choices (byrequests, roundrobin, ip_hash)
 * then depend only on the order of requests, so a scenario's figures are the same on every run.
 */
async function forEachUser(users: Users, fn: (u: LabUser) => Promise<unknown>): Promise<void> {
  for (const u of users.users) await fn(u)
}
