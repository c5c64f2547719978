import {genericRenderer, type SectionRenderer} from './section-renderer.js'

export const redisRenderer: SectionRenderer = genericRenderer('Redis')
