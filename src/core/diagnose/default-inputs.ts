import {existsSync} from 'node:fs'
import {join} from 'node:path'

/** Where access logs, app logs and configs usually are, in the order they are tried. */
export function usualPlaces(env: NodeJS.ProcessEnv = process.env): {
  accessLog: string[]
  tomcatLog: string[]
  apacheConf: string[]
  tomcatConf: string[]
} {
  const catalinaBases = [
    env.CATALINA_BASE,
    env.CATALINA_HOME,
    '/opt/tomcat',
    '/usr/share/tomcat',
    '/var/lib/tomcat9',
    '/var/lib/tomcat10',
  ].filter((d): d is string => Boolean(d))
  return {
    accessLog: ['/var/log/apache2/access.log', '/var/log/httpd/access_log', '/var/log/nginx/access.log', '/var/log/haproxy.log'],
    tomcatLog: [
      ...catalinaBases.map((d) => join(d, 'logs', 'catalina.out')),
      '/var/log/tomcat9/catalina.out',
      '/var/log/tomcat10/catalina.out',
    ],
    apacheConf: ['/etc/httpd/conf/httpd.conf', '/etc/apache2/apache2.conf'],
    tomcatConf: catalinaBases.map((d) => join(d, 'conf', 'server.xml')),
  }
}

export interface DefaultPick {
  used: string[]
  tried: string[]
}

/** The first place that exists, per kind: a server has one access log, not all of the usual ones. */
export function pickExisting(candidates: readonly string[], exists: (path: string) => boolean = existsSync): DefaultPick {
  const found = candidates.find((p) => exists(p))
  return {used: found ? [found] : [], tried: [...new Set(candidates)]}
}
