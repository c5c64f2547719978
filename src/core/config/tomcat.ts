import type {InputError} from '../report/types.js'
import {tooDeepError} from './limits.js'
import {type AppFacts, type ConfigKind, type ManagerKind, parseError, type Where} from './types.js'
import {childByName, parseXml, walk, type XmlElement} from './xml-scanner.js'

export interface TomcatRead {
  kind: ConfigKind
  errors: InputError[]
}

/**
 * Reads one Tomcat XML file (server.xml, context.xml, web.xml; any other XML is scanned for
 * session-fixation settings) into `facts`. Malformed markup is reported with its line; whatever
 * could be read still counts.
 */
export function readTomcatXml(text: string, file: string, facts: AppFacts): TomcatRead {
  const doc = parseXml(text)
  const errors = doc.problems.map((p) =>
    p.tooDeep ? tooDeepError(file, p.line, 'elements') : parseError(file, p.line, `malformed XML: ${p.message}`),
  )
  const root = doc.root
  if (!root) return {kind: 'xml', errors}
  const kind: ConfigKind =
    root.local === 'Server' ? 'server.xml' : root.local === 'Context' ? 'context.xml' : root.local === 'web-app' ? 'web.xml' : 'xml'
  const at = (element: XmlElement): Where => ({file, line: element.line})
  let sawManager = false
  const connectors: XmlElement[] = []

  for (const {element, ancestors} of walk(root)) {
    const attrs = element.attrs
    if (attrs.changeSessionIdOnAuthentication?.trim().toLowerCase() === 'false') {
      facts.fixationOff.push({value: `<${element.name} changeSessionIdOnAuthentication="false">`, ...at(element)})
    }
    if (attrs['session-fixation-protection']?.trim().toLowerCase() === 'none') {
      facts.fixationOff.push({value: `<${element.name} session-fixation-protection="none">`, ...at(element)})
    }
    if (kind === 'web.xml' || kind === 'xml') continue
    switch (element.local) {
      case 'Engine':
        if (attrs.jvmRoute?.trim()) facts.jvmRoutes.push({value: attrs.jvmRoute.trim(), ...at(element)})
        else facts.enginesWithoutRoute.push(at(element))
        break
      case 'Manager': {
        sawManager = true
        const inCluster = ancestors.some((a) => a.local === 'Cluster')
        const className =
          attrs.className ?? (inCluster ? 'org.apache.catalina.ha.session.DeltaManager' : 'org.apache.catalina.session.StandardManager')
        const managerKind = classifyManager(className)
        facts.managers.push({className, kind: managerKind, ...at(element)})
        const store = storeOfManager(managerKind)
        if (store) facts.storeHints.push({store, evidence: `<Manager className="${className}">`, ...at(element)})
        const interval = Number(attrs.maxInactiveInterval)
        if (attrs.maxInactiveInterval !== undefined && Number.isFinite(interval)) facts.timeouts.push({value: interval, ...at(element)})
        break
      }
      case 'Cluster':
        sawManager = true
        facts.clusters.push({...at(element), ...(attrs.channelSendOptions ? {channelSendOptions: attrs.channelSendOptions.trim()} : {})})
        if (!element.children.some((c) => c.local === 'Manager')) {
          facts.storeHints.push({store: 'replication', evidence: '<Cluster> (DeltaManager by default)', ...at(element)})
        }
        break
      case 'Valve':
        if (/JvmRouteBinderValve$/.test(attrs.className ?? '')) facts.jvmRouteBinderValves.push(at(element))
        if (/RemoteIpValve$/.test(attrs.className ?? '') && attrs.protocolHeader) {
          facts.secureTransport.push({value: `RemoteIpValve protocolHeader="${attrs.protocolHeader}"`, ...at(element)})
        }
        break
      case 'Context':
        facts.cookieConfigPlaces.push(at(element))
        if (attrs.sessionCookieName?.trim()) facts.cookieNames.push({value: attrs.sessionCookieName.trim(), ...at(element)})
        if (attrs.useHttpOnly !== undefined) facts.httpOnly.push({value: isTrue(attrs.useHttpOnly), ...at(element)})
        break
      case 'CookieProcessor':
        if (attrs.sameSiteCookies?.trim()) facts.sameSite.push({value: attrs.sameSiteCookies.trim(), ...at(element)})
        break
      case 'Connector':
        connectors.push(element)
        break
    }
  }

  if (
    connectors.length > 0 &&
    connectors.every((c) => isTrue(c.attrs.secure) || c.attrs.scheme === 'https' || isTrue(c.attrs.SSLEnabled))
  ) {
    facts.secureTransport.push({value: 'every Connector is secure', file, line: connectors[0]!.line})
  }
  if ((kind === 'server.xml' || kind === 'context.xml') && !sawManager) {
    facts.storeHints.push({
      store: 'node-local',
      evidence: 'StandardManager by default (no <Manager> or <Cluster>: sessions in the JVM)',
      implicit: true,
      file,
      line: root.line,
    })
  }
  if (kind === 'web.xml') readWebXml(root, file, facts, errors)
  return {kind, errors}
}

function readWebXml(root: XmlElement, file: string, facts: AppFacts, errors: InputError[]): void {
  const sessionConfig = childByName(root, 'session-config')
  if (!sessionConfig) {
    facts.trackingModeDefaults.push({file, line: root.line})
    facts.cookieConfigPlaces.push({file, line: root.line})
    return
  }
  const timeout = childByName(sessionConfig, 'session-timeout')
  if (timeout) {
    const minutes = Number(timeout.text.trim())
    if (timeout.text.trim() === '' || !Number.isInteger(minutes)) {
      errors.push(parseError(file, timeout.line, `<session-timeout> must be a whole number of minutes, found "${timeout.text.trim()}"`))
    } else facts.timeouts.push({value: minutes * 60, file, line: timeout.line})
  }
  const cookieConfig = childByName(sessionConfig, 'cookie-config')
  facts.cookieConfigPlaces.push({file, line: (cookieConfig ?? sessionConfig).line})
  if (cookieConfig) {
    const name = childByName(cookieConfig, 'name')
    if (name?.text.trim()) facts.cookieNames.push({value: name.text.trim(), file, line: name.line})
    const httpOnly = childByName(cookieConfig, 'http-only')
    if (httpOnly) facts.httpOnly.push({value: isTrue(httpOnly.text), file, line: httpOnly.line})
    const secure = childByName(cookieConfig, 'secure')
    if (secure) facts.secure.push({value: isTrue(secure.text), file, line: secure.line})
    for (const attribute of cookieConfig.children.filter((c) => c.local === 'attribute')) {
      const attrName = childByName(attribute, 'attribute-name')?.text.trim()
      const attrValue = childByName(attribute, 'attribute-value')?.text.trim()
      if (attrName?.toLowerCase() === 'samesite' && attrValue) facts.sameSite.push({value: attrValue, file, line: attribute.line})
    }
  }
  const modes = sessionConfig.children.filter((c) => c.local === 'tracking-mode')
  if (modes.length > 0) facts.trackingModes.push({value: modes.map((m) => m.text.trim().toUpperCase()), file, line: modes[0]!.line})
  else facts.trackingModeDefaults.push({file, line: sessionConfig.line})
}

export function classifyManager(className: string): ManagerKind {
  if (/\.StandardManager$/.test(className)) return 'standard'
  if (/\.PersistentManager$/.test(className)) return 'persistent'
  if (/DeltaManager$/.test(className)) return 'delta'
  if (/BackupManager$/.test(className)) return 'backup'
  if (/redis|redisson|lettuce|jedis/i.test(className)) return 'redis'
  if (/memcached|msm\./i.test(className)) return 'memcached'
  return 'other'
}

/** Where a Manager keeps sessions; a class sessdoc does not know tells nothing. */
function storeOfManager(kind: ManagerKind): 'redis' | 'replication' | 'shared' | 'node-local' | undefined {
  switch (kind) {
    case 'redis':
      return 'redis'
    case 'delta':
    case 'backup':
      return 'replication'
    case 'memcached':
      return 'shared'
    case 'other':
      return undefined
    default:
      return 'node-local'
  }
}

function isTrue(value: string | undefined): boolean {
  return /^\s*(true|yes|on|1)\s*$/i.test(value ?? '')
}
