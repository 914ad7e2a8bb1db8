/**
 * The `kindred` command: dispatches to the subcommands. Usage mistakes exit 2 with the usage;
 * FHIR and other errors exit 1 with a one-line message (no stack traces for people).
 */
import { isFhirError } from '@kindred/fhir';
import { UsageError } from './store-options.ts';
import { importUsage, runImport } from './commands/import.ts';
import { exportUsage, runExport } from './commands/export.ts';
import { runToken, tokenUsage } from './commands/token.ts';
import { runServe, serveUsage } from './commands/serve.ts';
import { benchUsage, runBench } from './commands/bench.ts';
import { runUser, userUsage } from './commands/user.ts';
import { clientUsage, runClient } from './commands/client.ts';
import { auditUsage, runAudit } from './commands/audit.ts';
import { demoUsage, runDemo } from './commands/demo.ts';
import { referenceUsage, runReference } from './commands/reference.ts';
import { runViews, viewsUsage } from './commands/views.ts';
import { runSpc, spcUsage } from './commands/spc.ts';
import { KINDRED_VERSION } from './version.ts';

interface Command {
  usage: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  serve: { usage: serveUsage, run: runServe },
  import: { usage: importUsage, run: runImport },
  export: { usage: exportUsage, run: runExport },
  token: { usage: tokenUsage, run: runToken },
  bench: { usage: benchUsage, run: runBench },
  user: { usage: userUsage, run: runUser },
  client: { usage: clientUsage, run: runClient },
  audit: { usage: auditUsage, run: runAudit },
  demo: { usage: demoUsage, run: runDemo },
  reference: { usage: referenceUsage, run: runReference },
  views: { usage: viewsUsage, run: runViews },
  spc: { usage: spcUsage, run: runSpc },
};

const overview = `Kindred ${KINDRED_VERSION}: one shared FHIR R4 record for health and care in a local area.

Usage: kindred <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.usage.split('\n')[0]!.replace(/^kindred \S+ ?/, '')}`)
  .join('\n')}

Run "kindred <command> --help" for one command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${KINDRED_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`kindred: unknown command "${name}".\n\n${overview}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' || (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`kindred ${name}: ${(error as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    const message = isFhirError(error) ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`kindred ${name}: ${message}\n`);
    return 1;
  }
}
