// The `desire-path` command (Node only; bin/desire-path.mjs runs the build of this file,
// dist/cli.js). Dispatches on its first argument, so `learn` and `uplift` are new entries
// in COMMANDS (cli-learn.ts). Takes its output functions as arguments: tests call main() directly.
import { definitionErrors } from '../journey/validate.js'
import { learnCommand, upliftCommand } from './cli-learn.js'
import { load } from './cli-load.js'

type Print = (s: string) => void
/** A command: its arguments (after the command's name) in, an exit code out. */
type Command = (args: string[], out: Print, err: Print) => Promise<number>

const USAGE = `Usage: desire-path <command> [arguments]

Commands:
  validate FILE...   check journey definitions (JSON files) with the full validator
  learn EVENTS...    learn each stage's recommended path from exported events (NDJSON)
  learn merge P...   combine the partials of sharded learn runs
  uplift EVENTS...   measure each nudge's uplift (treatment vs control, 95% interval)

Options:
  -h, --help         show this help (also: desire-path <command> --help)`

const VALIDATE_USAGE = `Usage: desire-path validate FILE...

Checks each journey definition with the full validator (desire-path/journey/validate)
and lists every problem with its JSON path, on standard output:
  FILE: ok
  FILE: <JSON path>: <message>
Files that cannot be read or are not JSON are reported on standard error.

Exit code: 0 if every definition is valid, 1 if one is not, 2 if a file cannot be read,
is not JSON, or the command line is wrong (2 wins over 1).`

const validate: Command = async (args, out, err) => {
  if (args.includes('-h') || args.includes('--help')) {
    out(VALIDATE_USAGE)
    return 0
  }
  const files = args[0] == '--' ? args.slice(1) : args
  const option = args[0] == '--' ? undefined : files.find((a) => a.startsWith('-'))
  if (option || !files[0]) {
    err((option ? `desire-path validate: unknown option "${option}"` : 'desire-path validate: no FILE given') + '\n\n' + VALIDATE_USAGE)
    return 2
  }
  let code = 0
  for (const file of files) {
    const r = await load(file)
    if ('why' in r) {
      err(`${file}: ${r.why}`)
      code = 2
      continue
    }
    const errors = definitionErrors(r.doc)
    for (const e of errors) out(`${file}: ${e.path || '(root)'}: ${e.message}`)
    if (!errors[0]) out(`${file}: ok`)
    else code ||= 1
  }
  return code
}

const COMMANDS: Record<string, Command> = { validate, learn: learnCommand, uplift: upliftCommand }

/**
 * Runs `desire-path <command> …`.
 * @param args the arguments after the program's name (`process.argv.slice(2)`)
 * @param out prints a line of results; @param err prints a line of trouble
 * @returns the exit code: 0 fine, 1 an invalid definition, 2 a usage or input error
 * @example process.exitCode = await main(['validate', 'journey.json'], console.log, console.error)
 */
export async function main(args: string[], out: Print, err: Print): Promise<number> {
  const [name, ...rest] = args
  if (name == '-h' || name == '--help' || name == 'help') {
    out(USAGE)
    return 0
  }
  const command = name != null && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!command) {
    err((name == null ? 'desire-path: no command given' : `desire-path: unknown command "${name}"`) + '\n\n' + USAGE)
    return 2
  }
  return command(rest, out, err)
}
