import {genericRenderer, type SectionRenderer} from './section-renderer.js'

export const configRenderer: SectionRenderer = genericRenderer('Configuration')
