#!/usr/bin/env node
// Before oclif starts: it logs process.argv (a --redis URL may hold a password) under DEBUG.
import {installDebugRedaction} from '../dist/lib/debug-redaction.js'

installDebugRedaction()
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
