import {DEFAULT_MAX_LINE_BYTES, type FileReadResult} from '../input/read-lines.js'
import type {AccessLogAnalyzer, BlockStream} from './analyzer.js'
import type {LineParser} from './parsed-line.js'
import {ParsedLine} from './parsed-line.js'
import type {SessionIdRules} from './session-id.js'

type Blocks = AsyncGenerator<string[], FileReadResult, number | undefined>

/** The first lines of the first blocks (format detection wants lines). */
export function firstLines(blocks: readonly string[], max: number): string[] {
  const out: string[] = []
  for (const block of blocks) {
    for (const line of block.split('\n')) {
      if (out.length >= max) return out
      out.push(line.endsWith('\r') ? line.slice(0, -1) : line)
    }
  }
  return out
}

/**
 * Feeds one file's blocks to the analyzer, parsed with what `choose` picks from its first lines;
 * returns the file's read result with its line count.
 */
export async function analyzeBlocks(
  analyzer: AccessLogAnalyzer,
  file: string,
  blocks: Blocks,
  choose: (firstLines: string[]) => {parser: LineParser; rules: SessionIdRules},
): Promise<FileReadResult> {
  let stream: BlockStream | null = null
  let lines = 0
  for (;;) {
    const next = await blocks.next(lines)
    if (next.done) return {...next.value, lines, truncatedLines: next.value.truncatedLines + (stream?.linesCut ?? 0)}
    if (stream === null) {
      // Detection samples the whole first read (512 KB), not just its first lines: health checks may come first.
      const {parser, rules} = choose(firstLines(next.value, 20_000))
      stream = {parser, rules, parsed: new ParsedLine(), file, maxLineLength: DEFAULT_MAX_LINE_BYTES, linesCut: 0}
    }
    for (const block of next.value) lines += analyzer.addBlock(block, stream, lines + 1)
  }
}
