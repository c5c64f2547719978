import {genericRenderer, type SectionRenderer} from './section-renderer.js'

export const accessLogRenderer: SectionRenderer = genericRenderer('Access log')
