import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context';
import { CliError } from './cli-error';
import type { GenerateOptions } from './commands/generate.command';
import { newApp, type NewOptions } from './commands/new.command';
import type { ArtifactKind } from './names';
import { findCliRoot, manifestOf } from './own-package';

/** Nest's short aliases: `g co`, `g ga`, `g s`. */
const KIND_ALIAS: Record<ArtifactKind, string> = { controller: 'co', gateway: 'ga', service: 's' };

const KIND_HELP: Record<ArtifactKind, string> = {
  controller: 'a WebSocket controller (@WsController) and its spec, registered in a gateway and a module',
  gateway: 'a gateway (@Gateway) on its own route and its spec, registered in the root module',
  service: 'an injectable service using RealtimeService and its spec, registered in the root module',
};

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves
 * to the exit code. Mistakes the user can fix are printed without a stack.
 */
export async function run(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    await buildProgram(context).parseAsync(doxSpellings(argv), { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (unknown command, missing argument, help).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      context.output.err(`error ${error.code}: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}

/** Dox writes `-ws`; commander would read it as `-w -s`. */
function doxSpellings(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-ws' ? '--ws' : arg));
}

function buildProgram(context: CliContext): Command {
  const program = new Command('switchboard')
    .description('Scaffold Switchboard apps, gateways, controllers and services.')
    .configureOutput({ writeOut: (s) => context.output.out(s), writeErr: (s) => context.output.err(s) })
    .exitOverride()
    .showSuggestionAfterError()
    .showHelpAfterError('(run "switchboard --help" for the commands)');
  const version = ownVersion(context);
  if (version) program.version(version, '-v, --version');

  program
    .command('new <app-name>')
    .description(
      'create a runnable app, in cluster mode out of the box: package.json, tsconfig, nest-cli.json, src/ with a gateway, controller and service, and tests',
    )
    .option('-d, --directory <dir>', 'folder to create it in (default: the app name)')
    .option(
      '--switchboard <spec>',
      'where the app gets switchboard and @switchboard/cli: a checkout folder or a switchboard-x.y.z.tgz (packed into vendor/), ' +
        'or an npm version range (default: the checkout this CLI runs from; for an installed CLI, the registry at its own version)',
    )
    .option('--force', 'overwrite files that already exist')
    .option('--dry-run', 'print what would be written, write nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  switchboard new my-app && cd my-app && npm install && npm start\n' +
        '  switchboard new my-app --switchboard ../switchboard            # a checkout\n' +
        '  switchboard new my-app --switchboard ./switchboard-0.1.0.tgz   # a tarball made by npm pack\n' +
        '  switchboard new my-app --switchboard ^0.1.0                    # the npm registry',
    )
    .action((name: string, options: NewOptions) => newApp(name, options, context));

  program
    .command('create:controller <name>')
    .description(`${KIND_HELP.controller} (Dox's spelling of "generate controller")`)
    .option('--ws', 'a WebSocket controller; -ws works too (the only kind Switchboard makes; accepted for Dox compatibility)')
    .option('--gateway <name>', "the gateway to add it to (default: the app's only gateway)")
    .option('--no-spec', 'do not write a spec file')
    .option('--force', 'overwrite files that already exist')
    .option('--dry-run', 'print what would be written, write nothing')
    .addHelpText('after', '\nExample:\n  switchboard create:controller Chat --ws   # src/controllers/chat.controller.ts, ChatController')
    .action((name: string, options: GenerateOptions) => generate('controller', name, options, context));

  const generateCommand = program
    .command('generate')
    .alias('g')
    .description("generate a controller, gateway or service (Nest's spelling)")
    .addHelpText(
      'after',
      '\nExamples:\n  switchboard g controller chat-room\n  switchboard g gateway Lobby --path /lobby\n  switchboard g service Notifications',
    );
  for (const kind of ['controller', 'gateway', 'service'] as const) {
    const command = generateCommand.command(`${kind} <name>`).alias(KIND_ALIAS[kind]).description(KIND_HELP[kind]);
    if (kind === 'controller') command.option('--gateway <name>', "the gateway to add it to (default: the app's only gateway)");
    if (kind === 'gateway') command.option('--path <route>', 'the route it serves (default: /<name>)');
    command
      .option('--no-spec', 'do not write a spec file')
      .option('--force', 'overwrite files that already exist')
      .option('--dry-run', 'print what would be written, write nothing')
      .action((name: string, options: GenerateOptions) => generate(kind, name, options, context));
  }
  return program;
}

/** Loads the generators (and ts-morph with them) only when one runs, so help and errors stay quick. */
async function generate(kind: ArtifactKind, name: string, options: GenerateOptions, context: CliContext): Promise<void> {
  const { generate: run } = await import('./commands/generate.command');
  run(kind, name, options, context);
}

/** The version of the `@switchboard/cli` that runs. */
function ownVersion(context: CliContext): string | undefined {
  const root = context.cliRoot ?? findCliRoot();
  return root === undefined ? undefined : manifestOf(root).version;
}
