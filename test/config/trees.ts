import {existsSync, readdirSync} from 'node:fs'
import type {ConfigCheckOptions, ConfigSection} from '../../src/core/config/index.js'
import type {SectionStatus} from '../../src/core/report/types.js'

/** The --apache-conf / --tomcat-conf / --app-config of one fixture tree under fixtures/config. */
export function treeOptions(name: string): ConfigCheckOptions {
  const root = `fixtures/config/${name}`
  const tomcatDir = `${root}/tomcat`
  const tomcat = existsSync(tomcatDir)
    ? [
        ...readdirSync(tomcatDir)
          .filter((f) => f.endsWith('.xml'))
          .sort()
          .map((f) => `${tomcatDir}/${f}`),
        ...readdirSync(tomcatDir)
          .filter((f) => f.startsWith('node'))
          .sort()
          .map((f) => `${tomcatDir}/${f}/server.xml`),
      ]
    : []
  const app = `${root}/app/application.yml`
  return {apacheConf: [`${root}/httpd/conf/httpd.conf`], tomcatConf: tomcat, appConfig: existsSync(app) ? [app] : [], redact: {}}
}

export const plantedTrees = [
  ['jvmroute-mismatch', 'config.jvmroute-mismatch', 'critical'],
  ['sticky-cookie-mismatch', 'config.sticky-cookie-mismatch', 'warning'],
  ['no-sticky', 'config.no-sticky', 'critical'],
  ['no-failover-path', 'config.no-failover-path', 'warning'],
  ['cookie-flags', 'config.cookie-flags', 'warning'],
  ['url-session-tracking', 'config.url-session-tracking', 'warning'],
  ['session-timeout', 'config.session-timeout', 'warning'],
  ['session-fixation', 'config.session-fixation', 'warning'],
] as const

/** The figures of an analyzed config section; a failed one throws with its reason. */
export function analyzedSection(result: {section: SectionStatus}): ConfigSection {
  const section = result.section
  if (!hasConfigFigures(section)) throw new Error(`the config section is ${section.status}: ${section.reason}`)
  return section
}

function hasConfigFigures(section: SectionStatus): section is ConfigSection {
  return 'filesRead' in section
}
