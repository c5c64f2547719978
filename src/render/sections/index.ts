import type {SourceKey} from '../../core/report/types.js'
import {accessLogRenderer} from './access-log.js'
import {configRenderer} from './config.js'
import {redisRenderer} from './redis.js'
import type {SectionRenderer} from './section-renderer.js'
import {tomcatLogRenderer} from './tomcat-log.js'

export const sectionRenderers: Record<SourceKey, SectionRenderer> = {
  accessLog: accessLogRenderer,
  tomcatLog: tomcatLogRenderer,
  redis: redisRenderer,
  config: configRenderer,
}

export const sourceOrder: SourceKey[] = ['accessLog', 'tomcatLog', 'redis', 'config']
