import type {AnySection, SourceKey} from '../../core/report/types.js'
import type {Block} from '../blocks.js'
import {accessLogView} from './access-log.js'
import {configView} from './config.js'
import {drainView} from './drain.js'
import {redisView} from './redis.js'
import type {SectionViews} from './section-view.js'
import {tomcatLogView} from './tomcat-log.js'
import {traceView} from './trace.js'
import {watchView} from './watch.js'

export const sectionViews: SectionViews = {
  accessLog: accessLogView,
  tomcatLog: tomcatLogView,
  redis: redisView,
  config: configView,
  drain: drainView,
  trace: traceView,
  watch: watchView,
}

export const sourceOrder: SourceKey[] = ['accessLog', 'tomcatLog', 'redis', 'config', 'drain', 'trace', 'watch']

/** The blocks of an analyzed section (none for one that failed). */
export function sectionBlocks<K extends SourceKey>(key: K, section: AnySection): Block[] {
  if (section.status !== 'analyzed') return []
  // The report pairs each key with its own section type; TypeScript cannot follow it through the lookup.
  return (sectionViews[key] as SectionViews[SourceKey] as {blocks(s: typeof section): Block[]}).blocks(section)
}
