import {readFileSync} from 'node:fs'
import {Ajv} from 'ajv'
import addFormats from 'ajv-formats'
import {expect} from 'vitest'

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object
const ajv = new Ajv({allErrors: true, strict: false})
;(addFormats as unknown as (a: Ajv) => void)(ajv)
const validate = ajv.compile(schema)

/** Fails with the schema errors when `report` does not match schema/report.schema.json. */
export function expectValidReport(report: unknown): void {
  const ok = validate(report)
  expect(ok ? [] : validate.errors).toEqual([])
}
