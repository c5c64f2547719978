import {readBalancer} from '../drain/balancer.js'
import type {BalancerMember} from '../drain/types.js'

export interface MemberChange {
  member: BalancerMember
  before: BalancerMember
}

/**
 * The balancers' members, read (drain-status's readers: a GET or `show stat`, never a change) once
 * an interval. A read runs beside the following of the logs: a slow balancer does not hold the
 * lines back. Each member whose status changed since the read before is handed on.
 */
export class BalancerWatcher {
  members: BalancerMember[] = []
  readonly errors = new Set<string>()
  private pending: Promise<void> | null = null
  private readonly last = new Map<string, BalancerMember>()

  constructor(
    private readonly specs: readonly string[],
    private readonly timeoutMs: number,
    private readonly onChange: (change: MemberChange) => void,
  ) {}

  /** Starts a read unless one is still running. */
  poll(): void {
    if (this.specs.length === 0 || this.pending !== null) return
    this.pending = this.read().finally(() => {
      this.pending = null
    })
  }

  /** Waits for the read in flight, if any. */
  async settle(): Promise<void> {
    await this.pending
  }

  private async read(): Promise<void> {
    const reads = await Promise.all(this.specs.map((spec) => readBalancer(spec, this.timeoutMs)))
    const members: BalancerMember[] = []
    for (const read of reads) {
      if (!read.ok) {
        this.errors.add(read.error)
        continue
      }
      members.push(...read.members)
    }
    for (const member of members) {
      const key = `${member.source}\u0000${member.route}`
      const before = this.last.get(key)
      if (before && (before.status !== member.status || before.state !== member.state)) this.onChange({member, before})
      this.last.set(key, member)
    }
    if (members.length > 0 || this.members.length === 0) this.members = members
  }
}
