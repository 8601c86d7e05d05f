#!/usr/bin/env node
/* global process */
// The `desire-path` command: src/entries/cli.ts, built to dist/cli.js.
import { main } from '../dist/cli.js'

const line = (stream) => (s) => stream.write(s + '\n')
process.exitCode = await main(process.argv.slice(2), line(process.stdout), line(process.stderr))
