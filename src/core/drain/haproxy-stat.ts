import {connect} from 'node:net'
import type {BalancerMember, MemberState} from './types.js'

/** Is this text HAProxy's stats CSV (`show stat`, or the stats page with `;csv`)? */
export function isHaproxyCsv(text: string): boolean {
  return /^#\s*pxname,svname,/.test(text.trimStart())
}

/** Is this HAProxy's HTML stats page (whose CSV is the same URL with `;csv`)? */
export function isHaproxyStatsPage(text: string): boolean {
  return /Statistics Report for HAProxy/i.test(text)
}

/**
 * The servers of HAProxy's stats CSV. Columns are found by the header line's names (`pxname`,
 * `svname`, `status`, `weight`), so versions that add columns read the same. The frontend and
 * backend summary rows are left out.
 */
export function parseHaproxyStat(csv: string, source: string): BalancerMember[] {
  const lines = csv.split('\n')
  const header = lines.findIndex((l) => /^#\s*pxname,/.test(l))
  if (header < 0) return []
  const names = lines[header]!.replace(/^#\s*/, '').split(',')
  const col = (name: string): number => names.indexOf(name)
  const [px, sv, statusAt, weightAt, typeAt] = [col('pxname'), col('svname'), col('status'), col('weight'), col('type')]
  const members: BalancerMember[] = []
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const cells = line.split(',')
    const server = cells[sv] ?? ''
    const type = typeAt >= 0 ? cells[typeAt] : undefined
    if (type !== undefined ? type !== '2' : server === 'FRONTEND' || server === 'BACKEND') continue
    const status = (cells[statusAt] ?? '').trim()
    const weight = weightAt >= 0 ? Number(cells[weightAt]) : Number.NaN
    members.push({route: server, status, source: `${source} backend ${cells[px] ?? ''}`, state: haproxyState(status, weight)})
  }
  return members
}

/** `DRAIN` (set server … state drain) and `NOLB`, or an UP server of weight 0, take only their sticky sessions. */
export function haproxyState(status: string, weight: number): MemberState {
  const word = status.split(/[\s(]/)[0]!.toUpperCase()
  if (word === 'MAINT') return 'disabled'
  if (word === 'DRAIN' || word === 'NOLB') return 'draining'
  if (word === 'DOWN') return 'down'
  return weight === 0 ? 'draining' : 'active'
}

/** `show stat` on HAProxy's runtime API socket: a read-only command, the answer ends when HAProxy closes. */
export function haproxyShowStat(socketPath: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(socketPath)
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    socket.on('connect', () => socket.end('show stat\n'))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'))
    })
  })
}
