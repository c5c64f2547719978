import type {Sections, SourceKey} from '../../core/report/types.js'
import type {Block} from '../blocks.js'

/** How one source section shows its figures (the verdict and findings are rendered elsewhere). */
export interface SectionView<K extends SourceKey> {
  title: string
  blocks(section: Sections[K]): Block[]
}

export type SectionViews = {[K in SourceKey]: SectionView<K>}
