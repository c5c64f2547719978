import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {type ParsedInfo, parseInfo} from '../../../src/core/redis/stats/info-parser.js'
import {type NodeStats, nodeStatsFromInfo} from '../../../src/core/redis/stats/node-stats.js'

const dir = fileURLToPath(new URL('../../../fixtures/redis/info/', import.meta.url))

export const infoFixtures = [
  'redis-5.0.14-primary.info',
  'redis-5.0.14-replica-link-down.info',
  'redis-6.2.14-lone-primary.info',
  'redis-7.0.15-healthy-primary.info',
  'redis-7.2.4-cluster-primary.info',
  'redis-8.2.1-standalone.info',
] as const

export type InfoFixture = (typeof infoFixtures)[number] | 'redis-8.0.2-keysizes.info'

/** A captured INFO text as the server sends it: CRLF line ends. */
export function infoText(name: InfoFixture): string {
  return readFileSync(dir + name, 'utf8').replace(/\r?\n/g, '\r\n')
}

export function parsedFixture(name: InfoFixture): ParsedInfo {
  return parseInfo(infoText(name))
}

export function nodeFromFixture(name: InfoFixture, address = '10.0.0.11:6379'): NodeStats {
  return nodeStatsFromInfo(address, parsedFixture(name))
}
