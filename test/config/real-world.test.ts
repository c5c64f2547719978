/**
 * The configs part of ../shared/corpus/real-world (issue #16): 12 configuration sets people
 * published, labelled by an expert. Read where they lie, never copied into the project. The score
 * (what score.py prints as "configs N/14 found, M forbidden fired") is asserted exactly, so a drop
 * fails here.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {checkConfig} from '../../src/core/config/index.js'
import {analyzedSection} from './trees.js'

const corpus = resolve('../shared/corpus/real-world')
const present = existsSync(join(corpus, 'labels.json'))
if (!present) console.log(`skipped: the real-world corpus is not at ${corpus} (it lives beside the checkout in ../shared)`)

interface ConfigLabel {
  invocation: string
  expectedFindings: Array<{id: string}>
  mustNotFire?: string[]
}

function labels(): Record<string, ConfigLabel> {
  return JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')).configs
}

/**
 * The flags of a label's invocation as score.py passes them: split on white space, every word up
 * to the next flag a value of it (oclif's multiple flags take them so; 08 names its files
 * `<node1 server.xml>`, which exist nowhere), paths made absolute.
 */
async function run(name: string) {
  const dir = join(corpus, 'configs', name)
  const options = {apacheConf: [] as string[], tomcatConf: [] as string[], appConfig: [] as string[], redact: {}}
  const lists: Record<string, string[]> = {
    '--apache-conf': options.apacheConf,
    '--tomcat-conf': options.tomcatConf,
    '--app-config': options.appConfig,
  }
  let list: string[] | undefined
  for (const word of labels()[name]!.invocation.split(/\s+/).filter(Boolean)) {
    if (word.startsWith('--')) list = lists[word]
    else if (list) list.push(join(dir, word))
    else throw new Error(`unexpected word ${word} in ${name}'s invocation`)
  }
  return checkConfig(options)
}

const errorsOf = (result: Awaited<ReturnType<typeof run>>) => (result.section.errors ?? []).map((e) => e.message)

describe.skipIf(!present)('real-world configs (../shared/corpus/real-world)', () => {
  it('score: 14 of 14 expected findings, none of the forbidden ones', async () => {
    let found = 0
    let expected = 0
    const misses: string[] = []
    const forbidden: string[] = []
    for (const [name, label] of Object.entries(labels()).sort()) {
      const ids = new Set<string>((await run(name)).findings.map((f) => f.id))
      for (const e of label.expectedFindings.filter((x) => x.id.startsWith('config.'))) {
        expected++
        if (ids.has(e.id)) found++
        else misses.push(`${name}: ${e.id}`)
      }
      for (const m of label.mustNotFire ?? []) if (ids.has(m.split(' ')[0]!)) forbidden.push(`${name}: ${m}`)
    }
    expect({found, expected, misses, forbidden}).toEqual({found: 14, expected: 14, misses: [], forbidden: []})
  })

  it('02: the commented-out <Cluster> closed with "--!>" is an error at its line, and the rest of server.xml is still read', async () => {
    const result = await run('02-gnr1118-tomcat-clustering')
    const xmlErrors = errorsOf(result).filter((m) => m.includes('server.xml'))
    expect(xmlErrors).toHaveLength(1)
    expect(xmlErrors[0]).toMatch(/tomcat1\/conf\/server\.xml:135: malformed XML: "--" inside a comment/)
    expect(analyzedSection(result).jvmRoutes).toEqual(['tomcat1'])
  })

  it('03: the unbalanced quote of ProxyPass "/manager "balancer://… is an error at its line', async () => {
    const result = await run('03-novotnyr-httpd-tomcat-ajp-docker')
    const quoteErrors = errorsOf(result).filter((m) => m.includes('quote'))
    expect(quoteErrors).toHaveLength(1)
    expect(quoteErrors[0]).toMatch(/httpd\/httpd\.conf:58: /)
  })

  it.each(['07-bee-infraverse-httpd2tomcat', '12-heesun-yang-lab2'])(
    '%s: no "JkWorkersFile not found" when the workers.properties was given',
    async (name) => {
      const result = await run(name)
      expect(errorsOf(result).filter((m) => m.includes('JkWorkersFile'))).toEqual([])
      expect(analyzedSection(result).filesRead.filter((f) => f.kind === 'workers.properties')).toHaveLength(1)
    },
  )

  it('05: round robin in front of asynchronous DeltaManager replication is config.no-sticky, a warning', async () => {
    const result = await run('05-rodrigodealer-tomcat-clustering-docker')
    const noSticky = result.findings.filter((f) => f.id === 'config.no-sticky')
    expect(noSticky.map((f) => f.severity)).toEqual(['warning'])
    expect(noSticky[0]!.detail).toMatch(/channelSendOptions="8".*server\.xml:5[12]/)
  })
})
