import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {extname, join} from 'node:path'
import {parseDocument} from 'yaml'
import {FIELDS, MappingError, mappingOf} from '../access-log/clickhouse/mapping.js'
import {didYouMean} from '../did-you-mean.js'
import type {Parsed} from '../input/time-window.js'
import {defaultScanThresholds} from '../redis/scan/checks.js'
import {defaultRedisStatsThresholds} from '../redis/stats/index.js'
import {correlationThresholds} from './thresholds.js'

/** The scheduled audit in one file: sources, formats, workers, presets, thresholds, output. */
export interface DiagnoseConfig {
  accessLog?: {
    paths?: string[]
    logFormat?: string
    workers?: string[]
    cookie?: string
    routeSeparator?: string
    sessionTimeout?: string
    apacheConf?: string
    /** A ClickHouse table's columns by role: `time=ts,session=jsessionid` or a mapping `{time: ts, session: jsessionid}` (#20). */
    map?: string | Record<string, string>
  }
  tomcatLog?: {paths?: string[]; timezone?: string}
  redis?: {
    url?: string
    cluster?: boolean
    sentinel?: string
    sentinelMaster?: string
    tlsCa?: string
    connectTimeout?: number
    db?: number
    replica?: boolean
    scan?: boolean
    preset?: string
    pattern?: string
    namespace?: string
    count?: number
    maxRate?: number
  }
  config?: {apacheConf?: string[]; tomcatConf?: string[]; appConfig?: string[]}
  /** Numeric thresholds of the checks, by name (see the README for each). */
  thresholds?: Record<string, number>
  since?: string
  until?: string
  timezone?: string
  failOn?: 'warning' | 'critical' | 'never'
  format?: 'text' | 'json' | 'markdown' | 'html' | 'prometheus'
  output?: string
}

type FieldType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'string[]'
  | 'numbers'
  | {oneOf: readonly string[]}
  | {object: Shape}
  | {roles: readonly string[]}
type Shape = Record<string, FieldType>

const shape: Shape = {
  accessLog: {
    object: {
      paths: 'string[]',
      logFormat: 'string',
      workers: 'string[]',
      cookie: 'string',
      routeSeparator: 'string',
      sessionTimeout: 'string',
      apacheConf: 'string',
      map: {roles: FIELDS},
    },
  },
  tomcatLog: {object: {paths: 'string[]', timezone: 'string'}},
  redis: {
    object: {
      url: 'string',
      cluster: 'boolean',
      sentinel: 'string',
      sentinelMaster: 'string',
      tlsCa: 'string',
      connectTimeout: 'number',
      db: 'number',
      replica: 'boolean',
      scan: 'boolean',
      preset: 'string',
      pattern: 'string',
      namespace: 'string',
      count: 'number',
      maxRate: 'number',
    },
  },
  config: {object: {apacheConf: 'string[]', tomcatConf: 'string[]', appConfig: 'string[]'}},
  thresholds: 'numbers',
  since: 'string',
  until: 'string',
  timezone: 'string',
  failOn: {oneOf: ['warning', 'critical', 'never']},
  format: {oneOf: ['text', 'json', 'markdown', 'html', 'prometheus']},
  output: 'string',
}

/** The names a config file's `thresholds` may set: diagnose's correlations, Redis stats, Redis scan. */
export const thresholdNames: readonly string[] = [
  ...Object.keys(correlationThresholds),
  ...Object.keys(defaultRedisStatsThresholds),
  ...Object.keys(defaultScanThresholds),
]

export const defaultConfigNames = ['sessdoc.config.yml', 'sessdoc.config.yaml', 'sessdoc.config.json']

/** `--config FILE`, else `sessdoc.config.*` in the current directory, else none. */
export async function loadDiagnoseConfig(
  path: string | undefined,
  cwd = process.cwd(),
): Promise<Parsed<{config: DiagnoseConfig; path: string | null}>> {
  const found = path ?? defaultConfigNames.map((name) => join(cwd, name)).find((p) => existsSync(p))
  if (!found) return {ok: true, value: {config: {}, path: null}}
  let text: string
  try {
    text = await readFile(found, 'utf8')
  } catch (error) {
    return {
      ok: false,
      error: `cannot read the config file ${found}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the path given to --config`,
    }
  }
  const parsed = parseConfigText(text, found)
  return parsed.ok ? {ok: true, value: {config: parsed.value, path: found}} : parsed
}

export function parseConfigText(text: string, name: string): Parsed<DiagnoseConfig> {
  let data: unknown
  if (extname(name) === '.json') {
    try {
      data = JSON.parse(text)
    } catch (error) {
      return {ok: false, error: `${name}: not valid JSON (${(error as Error).message})`}
    }
  } else {
    const doc = parseDocument(text, {prettyErrors: true})
    const first = doc.errors[0]
    if (first) {
      const line = first.linePos?.[0]
      return {ok: false, error: `${name}${line ? `:${line.line}:${line.col}` : ''}: not valid YAML (${first.message.split('\n')[0]})`}
    }
    try {
      data = doc.toJS()
    } catch (error) {
      // An alias to no anchor, or an alias loop: the text parses but has no value.
      return {ok: false, error: `${name}: not valid YAML (${(error as Error).message})`}
    }
  }
  if (data === null || data === undefined) return {ok: true, value: {}}
  const problems: string[] = []
  check(data, {object: shape}, '', problems)
  if (problems.length > 0) return {ok: false, error: `${name}: ${problems.slice(0, 5).join('; ')}`}
  return {ok: true, value: data as DiagnoseConfig}
}

function check(value: unknown, type: FieldType, path: string, problems: string[]): void {
  const at = path || 'the top level'
  if (typeof type === 'object' && 'object' in type) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${at} must be a mapping`)
    for (const [key, child] of Object.entries(value)) {
      const childType = type.object[key]
      const childPath = path ? `${path}.${key}` : key
      if (!childType) {
        const known = Object.keys(type.object)
        const near = didYouMean(key, known)
        problems.push(
          `unknown setting '${childPath}'${near ? ` (did you mean '${path ? `${path}.` : ''}${near}'?)` : `; known here: ${known.join(', ')}`}`,
        )
        continue
      }
      check(child, childType, childPath, problems)
    }
    return
  }
  if (typeof type === 'object' && 'roles' in type) {
    if (typeof value !== 'string' && (!value || typeof value !== 'object' || Array.isArray(value)))
      return void problems.push(`${at} must be role=column pairs (time=ts,session=jsessionid) or a mapping of role to column`)
    try {
      mappingOf(value as string | Record<string, unknown>, at)
    } catch (error) {
      if (!(error instanceof MappingError)) throw error
      problems.push(`${error.message}: ${error.hint}`)
    }
    return
  }
  if (typeof type === 'object' && 'oneOf' in type) {
    if (typeof value !== 'string' || !type.oneOf.includes(value)) problems.push(`${at} must be one of ${type.oneOf.join(', ')}`)
    return
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') problems.push(`${at} must be a string`)
      return
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${at} must be a number`)
      return
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at} must be true or false`)
      return
    case 'string[]':
      if (typeof value === 'string') return
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) problems.push(`${at} must be a list of strings`)
      return
    case 'numbers':
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return void problems.push(`${at} must map threshold names to numbers`)
      for (const [key, number] of Object.entries(value)) {
        if (!thresholdNames.includes(key)) {
          const near = didYouMean(key, thresholdNames)
          problems.push(
            `unknown threshold '${path}.${key}'${near ? ` (did you mean '${path}.${near}'?)` : `; known: ${thresholdNames.join(', ')}`}`,
          )
        } else if (typeof number !== 'number' || !Number.isFinite(number))
          problems.push(`${path}.${key} must be a number, got ${JSON.stringify(number) ?? String(number)}`)
      }
      return
  }
}

/** A single string where a list is expected counts as a list of one. */
export function asList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return Array.isArray(value) ? value : [value]
}
