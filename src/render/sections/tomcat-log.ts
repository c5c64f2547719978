import {genericRenderer, type SectionRenderer} from './section-renderer.js'

export const tomcatLogRenderer: SectionRenderer = genericRenderer('Application log')
