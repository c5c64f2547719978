/**
 * The access-log formats a configuration declares, with the log file each applies to: httpd
 * LogFormat + CustomLog / TransferLog, nginx log_format + access_log, Tomcat's AccessLogValve.
 * For the access-log reader: a format found in the config beats detection (#15).
 */
import {join} from 'node:path'
import type {InputError} from '../report/types.js'
import {readApacheConf} from './apache.js'
import {expandDirectories} from './discover.js'
import {displayPath, readText} from './files.js'
import {readNginxConf} from './nginx.js'
import {type LogFormatDef, parseError} from './types.js'
import {parseXml, walk} from './xml-scanner.js'

export interface ConfigAccessLogFormat {
  dialect: 'apache' | 'nginx' | 'tomcat'
  /** The format string itself (nicknames resolved; Tomcat's `common` / `combined` spelled out). */
  format: string
  /** The LogFormat / log_format nickname it was given by, or null for an inline format. */
  nickname: string | null
  /** The log file as configured; for Tomcat `directory/prefix*suffix` (the date sits between). */
  logFile: string
  /** Where the log is declared (CustomLog, access_log, the Valve): file:line. */
  location: string
}

const httpdNamed: Record<string, string> = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
}
const nginxCombined = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'
/** AccessLogValve's own names: common and combined as Tomcat spells them (%s, not %>s). */
const tomcatNamed: Record<string, string> = {
  common: '%h %l %u %t "%r" %s %b',
  combined: '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"',
}

/** Reads the configs (files or directories, as --apache-conf / --tomcat-conf take them) for their access-log formats. Never throws. */
export async function accessLogFormatsFromConfig(
  paths: readonly string[],
): Promise<{formats: ConfigAccessLogFormat[]; errors: InputError[]}> {
  const errors: InputError[] = []
  const files: string[] = []
  for (const path of paths)
    files.push(...(await expandDirectories([path], 'apache', [])), ...(await expandDirectories([path], 'tomcat', [])))
  const formats: ConfigAccessLogFormat[] = []
  const read = new Set<string>()
  for (const path of new Set(files)) {
    if (read.has(displayPath(path))) continue
    const text = await readText(path)
    if (!text.ok) {
      errors.push({input: displayPath(path), message: text.message})
      continue
    }
    if (/\.xml$/i.test(path)) {
      read.add(displayPath(path))
      formats.push(...tomcatFormats(text.text, displayPath(path), errors))
      continue
    }
    const nginx = /(^|\/)nginx[^/]*$/.test(path) || /^\s*(http|events)\s*\{/m.test(text.text)
    const outcome = nginx ? await readNginxConf(path) : await readApacheConf(path)
    for (const f of outcome.files) read.add(f.file)
    errors.push(...outcome.errors)
    const defined = nginx ? (outcome.facts.nginxLogFormats ?? []) : outcome.facts.logFormats
    for (const use of outcome.facts.accessLogs ?? []) {
      const location = `${use.file}:${use.line}`
      const known = lastNamed(defined, use.format || (nginx ? 'combined' : ''))
      const builtIn = nginx ? (use.format === 'combined' ? nginxCombined : undefined) : httpdNamed[use.format]
      if (known || builtIn) {
        formats.push({
          dialect: nginx ? 'nginx' : 'apache',
          format: known?.format ?? builtIn!,
          nickname: use.format || null,
          logFile: use.logFile,
          location,
        })
      } else if (!nginx && use.format.includes('%')) {
        formats.push({dialect: 'apache', format: use.format, nickname: null, logFile: use.logFile, location})
      } else {
        errors.push(
          parseError(
            use.file,
            use.line,
            `the log format "${use.format}" of ${use.logFile} is defined nowhere in the files given`,
            'give the config that defines it',
          ),
        )
      }
    }
  }
  return {formats, errors}
}

/** httpd and nginx use the last definition of a nickname; TransferLog (nickname "") the last LogFormat without one. */
function lastNamed(defined: LogFormatDef[], nickname: string): LogFormatDef | undefined {
  return defined.filter((d) => d.nickname === nickname).at(-1)
}

function tomcatFormats(text: string, file: string, errors: InputError[]): ConfigAccessLogFormat[] {
  const doc = parseXml(text)
  if (!doc.root) return []
  const out: ConfigAccessLogFormat[] = []
  for (const {element} of walk(doc.root)) {
    const className = element.attrs.className ?? ''
    if (element.local !== 'Valve' || !/(Extended)?AccessLogValve$/.test(className)) continue
    const pattern = element.attrs.pattern ?? 'common'
    const directory = element.attrs.directory ?? 'logs'
    const prefix = element.attrs.prefix ?? 'localhost_access_log'
    const suffix = element.attrs.suffix ?? (/Extended/.test(className) ? '.log' : '')
    const rotatable = element.attrs.rotatable?.toLowerCase() !== 'false'
    if (/Extended/.test(className)) {
      errors.push(
        parseError(
          file,
          element.line,
          'ExtendedAccessLogValve writes the W3C format, which sessdoc does not read',
          'use AccessLogValve with a pattern',
        ),
      )
      continue
    }
    out.push({
      dialect: 'tomcat',
      format: tomcatNamed[pattern] ?? pattern,
      nickname: tomcatNamed[pattern] ? pattern : null,
      logFile: join(directory, `${prefix}${rotatable ? '*' : ''}${suffix}`),
      location: `${file}:${element.line}`,
    })
  }
  return out
}
