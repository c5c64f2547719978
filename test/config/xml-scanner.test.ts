import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {decodeEntities, parseXml, type XmlElement} from '../../src/core/config/xml-scanner.js'

describe('XML scanner', () => {
  it('reads elements, attributes, text, lines; skips comments, PIs and DOCTYPE; keeps CDATA', () => {
    const doc = parseXml(
      [
        '<?xml version="1.0"?>',
        '<!DOCTYPE web-app [ <!ENTITY x "y"> ]>',
        '<!-- <Engine jvmRoute="commented-out"/> -->',
        '<a:root xmlns:a="urn:x" k=\'v > w\'>',
        '  <child one="1"',
        '         two="&quot;2&quot;"/>',
        '  <text><![CDATA[<not-a-tag>]]> &amp; more</text>',
        '</a:root>',
      ].join('\n'),
    )
    expect(doc.problems).toEqual([])
    const root = doc.root!
    expect([root.name, root.local, root.attrs, root.line]).toEqual(['a:root', 'root', {'xmlns:a': 'urn:x', k: 'v > w'}, 4])
    expect(root.children.map((c) => [c.name, c.line, c.attrs])).toEqual([
      ['child', 5, {one: '1', two: '"2"'}],
      ['text', 7, {}],
    ])
    expect(root.children[1]!.text).toBe('<not-a-tag> & more')
  })

  it.each([
    ['<a><b></a>', [{line: 1, message: 'closing tag </a> does not match <b> opened at line 1'}]],
    ['<a>\n</b>\n</a>', [{line: 2, message: 'closing tag </b> has no matching opening tag'}]],
    [
      '<a>\n<!-- open',
      [
        {line: 2, message: 'comment is never closed (missing -->)'},
        {line: 1, message: '<a> is never closed'},
      ],
    ],
    ['<a x=1/>', [{line: 1, message: 'value of attribute x of <a> is not quoted'}]],
    [
      '<a x="1>',
      [
        {line: 1, message: 'value of attribute x of <a> is never closed (missing ")'},
        {line: 1, message: '<a> is never closed'},
      ],
    ],
    ['', [{line: 1, message: 'no XML element found'}]],
    ['<a/><b/>', [{line: 1, message: 'a second root element <b>'}]],
    [
      '<a>\n<![CDATA[ x',
      [
        {line: 2, message: 'CDATA section is never closed (missing ]]>)'},
        {line: 1, message: '<a> is never closed'},
      ],
    ],
  ])('malformed %j', (text, problems) => {
    expect(parseXml(text).problems).toEqual(problems)
  })

  it.each([
    // The real case (corpus 02): a commented-out <Cluster> closed with "--!>"; reading resumes after it.
    ['<a>\n<!--\n<Cluster/>\n --!>\n<b/></a>', 4, '"--!>" does not end it', ['b']],
    // "--" in the text of a comment: the comment still runs to "-->".
    ['<a><!-- one -- two --><b/></a>', 1, 'write it as "- -" or end the comment with "-->"', ['b']],
    ['<a><!-- ends badly ---><b/></a>', 1, 'write it as "- -" or end the comment with "-->"', ['b']],
  ])('"--" inside a comment %j is a problem at line %i', (text, line, hint, children) => {
    const doc = parseXml(text)
    expect(doc.problems).toEqual([
      {
        line,
        message: `"--" inside a comment (opened at line ${text.startsWith('<a>\n') ? 2 : 1}): ${hint}; Tomcat refuses to start with this file`,
      },
    ])
    expect(doc.root!.children.map((c) => c.name)).toEqual(children)
  })

  it('well-formed comments are no problem: <!---->, <!-- - -->, two in a row', () => {
    expect(parseXml('<a><!----><!-- - --><!-- x --><b/></a>').problems).toEqual([])
  })

  it('decodes the XML entities and character references, leaves unknown ones', () => {
    expect(decodeEntities('&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&nbsp;&#xFFFFFFF;')).toBe('<>&"\'AB&nbsp;&#xFFFFFFF;')
  })

  it('never throws and reports lines inside the text, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({unit: fc.constantFrom('<', '>', '/', '!', '-', '?', '[', ']', '"', "'", '=', 'a', 'b', ' ', '\n', '&', ';', 'C', 'D')}),
        (text) => {
          const doc = parseXml(text)
          const lines = text.split('\n').length
          for (const p of doc.problems) expect(p.line).toBeGreaterThanOrEqual(1)
          for (const p of doc.problems) expect(p.line).toBeLessThanOrEqual(lines)
        },
      ),
      {numRuns: 500},
    )
  })

  const name = fc.constantFrom('Server', 'Engine', 'Manager', 'web-app', 'x:y', 'a_b.c')
  const attrValue = fc.string({unit: fc.constantFrom('a', '<', '>', '&', '"', "'", ' ', 'é', '1')})
  type Tree = {name: string; attrs: Record<string, string>; children: Tree[]}
  const tree: fc.Arbitrary<Tree> = fc.letrec<{node: Tree}>((tie) => ({
    node: fc.record({
      name,
      attrs: fc.dictionary(fc.constantFrom('className', 'jvmRoute', 'k'), attrValue, {maxKeys: 3}),
      children: fc.oneof({maxDepth: 3, depthSize: 'small'}, fc.constant<Tree[]>([]), fc.array(tie('node'), {maxLength: 3})),
    }),
  })).node

  const escapeXml = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  const serialize = (t: Tree, depth: number): string => {
    const attrs = Object.entries(t.attrs)
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join('')
    const pad = '  '.repeat(depth)
    if (t.children.length === 0) return `${pad}<${t.name}${attrs}/>\n`
    return `${pad}<${t.name}${attrs}>\n${t.children.map((c) => serialize(c, depth + 1)).join('')}${pad}</${t.name}>\n`
  }
  const strip = (e: XmlElement): Tree => ({name: e.name, attrs: e.attrs, children: e.children.map(strip)})

  it('reads back any well-formed tree it is given, attributes decoded', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const doc = parseXml(`<?xml version="1.0"?>\n<!-- c -->\n${serialize(t, 0)}`)
        expect(doc.problems).toEqual([])
        expect(strip(doc.root!)).toEqual(t)
        expect(doc.root!.line).toBe(3)
      }),
      {numRuns: 200},
    )
  })
})
