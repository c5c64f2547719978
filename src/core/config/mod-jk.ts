import type {InputError} from '../report/types.js'
import {configLines, cutLinesError} from './limits.js'
import {type Balancer, type Located, parseError} from './types.js'

/** Properties whose repeated lines add to the list instead of replacing it. */
const listProperties = new Set(['worker.list', 'balance_workers', 'balanced_workers'])

/**
 * Reads mod_jk's workers.properties: load-balancer workers (`type=lb`), their members
 * (`balance_workers`), each member's route (`route`, the older `jvm_route`, or its name),
 * `sticky_session` (on by default), `session_cookie` and `session_path`, and `reference=` templates.
 */
export function parseWorkersProperties(text: string, file: string): {balancers: Balancer[]; errors: InputError[]} {
  const props = new Map<string, Located>()
  const {lines, cut} = configLines(text)
  const errors: InputError[] = cutLinesError(file, cut)
  lines.forEach((raw, index) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq <= 0) {
      errors.push(parseError(file, index + 1, `not a property line (expected key=value): ${line.slice(0, 80)}`))
      return
    }
    const key = line.slice(0, eq).trim()
    const value = line.slice(eq + 1).trim()
    const previous = props.get(key)
    const lastPart = key.slice(key.lastIndexOf('.') + 1)
    const joined = previous && (listProperties.has(key) || listProperties.has(lastPart)) ? `${previous.value},${value}` : value
    props.set(key, {value: joined, file, line: index + 1})
  })

  const workerProp = (worker: string, name: string, depth = 0): Located | undefined => {
    const own = props.get(`worker.${worker}.${name}`)
    if (own || depth > 8) return own
    const reference = props.get(`worker.${worker}.reference`)?.value.replace(/^worker\./, '')
    return reference ? workerProp(reference, name, depth + 1) : undefined
  }

  const balancers: Balancer[] = []
  const workerNames = new Set([...props.keys()].map((k) => /^worker\.([^.]+)\./.exec(k)?.[1]).filter((n): n is string => !!n))
  for (const worker of workerNames) {
    const type = workerProp(worker, 'type')
    if (type?.value.toLowerCase() !== 'lb') continue
    const membersProp = workerProp(worker, 'balance_workers') ?? workerProp(worker, 'balanced_workers')
    const balancer: Balancer = {kind: 'mod_jk', name: worker, members: [], file, line: type.line}
    for (const member of (membersProp?.value ?? '').split(/[\s,]+/).filter(Boolean)) {
      const route = workerProp(member, 'route') ?? workerProp(member, 'jvm_route')
      const host = workerProp(member, 'host')?.value ?? 'localhost'
      const port = workerProp(member, 'port')?.value ?? '8009'
      balancer.members.push({
        target: `ajp://${host}:${port}`,
        route: route?.value ?? member,
        file,
        line: (route ?? membersProp)?.line ?? type.line,
      })
    }
    const sticky = workerProp(worker, 'sticky_session')
    const force = workerProp(worker, 'sticky_session_force')
    if (sticky && isFalse(sticky.value)) balancer.stickyOff = {file, line: sticky.line}
    else {
      const cookie = workerProp(worker, 'session_cookie')
      const path = workerProp(worker, 'session_path')
      balancer.sticky = {
        mode: 'route-suffix',
        cookie: cookie?.value ?? 'JSESSIONID',
        urlParameter: (path?.value ?? ';jsessionid').replace(/^;/, ''),
        file,
        line: (sticky ?? cookie ?? type).line,
      }
    }
    if (force) balancer.noFailover = !isFalse(force.value)
    const method = workerProp(worker, 'method')
    if (method) balancer.lbmethod = method.value
    balancers.push(balancer)
  }
  return {balancers, errors}
}

function isFalse(value: string): boolean {
  return /^(false|0|no|off)$/i.test(value.trim())
}
