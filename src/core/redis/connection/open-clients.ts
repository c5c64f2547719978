import type {Redis, RedisOptions} from 'ioredis'
import {closeClient, openClient} from './client.js'
import type {RedisTarget} from './target.js'

/** The clients one connection has opened: all closed together, or one dropped when not needed. */
export class OpenClients {
  private readonly clients: Redis[] = []
  /** Notes from opening the clients (passwordWarning), each once however many nodes said it. */
  readonly warnings: string[] = []

  constructor(
    private readonly target: RedisTarget,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async open(options: RedisOptions): Promise<Redis> {
    const client = await openClient(options, this.target, this.signal, (warning) => {
      if (!this.warnings.includes(warning)) this.warnings.push(warning)
    })
    this.clients.push(client)
    return client
  }

  async drop(client: Redis): Promise<void> {
    this.clients.splice(this.clients.indexOf(client), 1)
    await closeClient(client)
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => closeClient(client)))
  }
}
