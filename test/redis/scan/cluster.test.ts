import {Cluster} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import * as load from '../../../fixtures/redis/load.mjs'
import {scanRedis} from '../../../src/core/redis/scan/index.js'
import {startCluster, type TestCluster} from '../../helpers/redis-server.js'
import {clusterLoader, connect} from './helpers.js'

describe('scanRedis on a 3-primary cluster', () => {
  let cluster: TestCluster
  let client: Cluster
  let truth: load.SpringTruth
  beforeAll(async () => {
    cluster = await startCluster(3)
    client = new Cluster(
      cluster.nodes.map((n) => ({host: n.host, port: n.port})),
      {redisOptions: {protocol: 2}},
    )
    truth = await load.loadSpring(clusterLoader(client), {sessions: 600, noTtl: 7, large: 2, huge: 1})
  })
  afterAll(async () => {
    client?.disconnect()
    await cluster?.stop()
  })

  it.each(['lua', 'pipeline'] as const)('scans every primary in parallel and merges exact counts (%s)', async (method) => {
    const connection = await connect(cluster.nodes[0]!.url)
    try {
      expect(connection.mode).toBe('cluster')
      const {figures, partial} = await scanRedis(connection, {method, count: 100})
      expect(partial).toBe(false)
      expect(figures.scanNodes).toHaveLength(3)
      expect(figures.scanNodes.every((n) => n.complete && n.keysScanned > 0 && n.probe === method)).toBe(true)
      expect(figures.keysScanned).toBe(truth.keys)
      expect(figures.scanNodes.reduce((sum, n) => sum + n.sessions, 0)).toBe(600)
      expect(figures.layouts['spring-session']).toMatchObject({sessions: 600, sessionsWithoutTtl: 7})
      expect(figures.layouts['spring-session']!.sizeBytes).toMatchObject({atLeast10KB: 3, atLeast100KB: 1})
      expect(figures.layouts['spring-session']!.timeout.noTtlNeverExpiring).toBe(7)
      expect(figures.expiryCheck.keysWithoutExpiry).toBe(7 + truth.indexSets)
    } finally {
      await connection.close()
    }
  })

  it('walks each cluster node in one cursor lane, even when more are asked (7.4+ puts the slot in the cursor)', async () => {
    const connection = await connect(cluster.nodes[0]!.url)
    try {
      const {figures, partial} = await scanRedis(connection, {count: 100, lanes: 2})
      expect(partial).toBe(false)
      expect(figures.scanNodes.map((n) => n.lanes)).toEqual([1, 1, 1])
      expect(figures.keysScanned).toBe(truth.keys)
    } finally {
      await connection.close()
    }
  })

  it('sets TTLs on every node with --fix-ttl --yes', async () => {
    const connection = await connect(cluster.nodes[1]!.url)
    try {
      const {figures} = await scanRedis(connection, {fixTtl: {seconds: 900, apply: true}})
      expect(figures.fixTtl).toMatchObject({candidates: 7, changed: 7})
      const again = await scanRedis(connection, {})
      expect(again.figures.sessionsWithoutTtl).toBe(0)
    } finally {
      await connection.close()
    }
  })
})
