/**
 * The `lastmile` command line: commander wiring, help text, and turning whatever ended a command into one
 * clear message on stderr (a JSON error object on stdout with --json) and a documented exit status.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { CALIBRATION_METHODS, DEFAULT_BACKENDS, DEFAULT_MIN_PARTITION_NODES, isLastmileError } from '@lastmile/core';
import { benchCommand, type BenchOptions } from './bench-command.js';
import { compileCommand, type CompileOptions } from './compile-command.js';
import { quantizeCommand, type QuantizeOptions } from './quantize-command.js';
import { type CommandContext, type GlobalOptions, processContext } from './context.js';
import { devicesCommand } from './devices-command.js';
import { ExitCode, UsageError, exitCodeFor } from './exit-codes.js';
import { inspectCommand, type InspectOptions } from './inspect-command.js';
import { toJson } from './json-output.js';
import { runCommand, type RunOptions } from './run-command.js';

const collect = (value: string, previous: string[]) => [...previous, value];

const EXIT_CODES_HELP = `
Exit status:
  0  success
  1  runtime error (a backend failed while running, a limit was hit, an unexpected error)
  2  usage error (bad option, --shape or --input; unreadable or invalid input file)
  3  model error (model or bundle missing, corrupt or invalid; a bundle built for another
     backend version or target; an op no chosen backend runs)
  4  backend unavailable (not installed, refused name, device absent)`;

function version(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

/** The program; `finish` receives each command's exit status. */
export function createProgram(finish: (code: number) => void): Command {
  const program = new Command('lastmile')
    .description('Deploy ONNX models onto every processor: run, compile, inspect, list devices, benchmark.')
    .version(version(), '-V, --version')
    .option('--json', 'machine-readable JSON on stdout (errors too)')
    .option('--verbose', 'show error details and stack traces')
    .option(
      '--project-root <dir>',
      "folder whose node_modules holds the backends, searched before the CLI's own install (default: the current project)",
    )
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();

  const context = (command: Command): CommandContext => processContext(command.optsWithGlobals<GlobalOptions>());

  program
    .command('run')
    .description(
      'run a model (or a bundle from `compile`) once on inputs from .npy/.pb/image files or seeded random data; print or save the outputs',
    )
    .argument('<model>', 'ONNX model or Caffe prototxt, or a bundle that `lastmile compile` wrote')
    .option(
      '--input <name=file>',
      'input data: name=file.npy, name=file.pb (TensorProto), name=image.png|jpg (resized to the input, RGB 0..1) or name=random; repeatable (the name may be left out for a one-input model)',
      collect,
      [],
    )
    .option(
      '--shape <name=dims>',
      'shape of a random input or size of an image input, like x=1x3x224x224; repeatable',
      collect,
      [],
    )
    .option(
      '--backends <list>',
      `backends by priority, comma-separated (default: ${DEFAULT_BACKENDS.join(',')}, as the library: those installed)`,
    )
    .option('--no-fallback', 'fail instead of running nodes the first backend declines on later ones')
    .option(
      '--min-partition-nodes <n>',
      `with several backends, pieces of fewer nodes move to a neighbour's backend that takes them (default ${DEFAULT_MIN_PARTITION_NODES}; 1: never)`,
    )
    .option('--output-dir <dir>', 'save each output as <dir>/<name>.npy')
    .option('--seed <n>', 'seed of random inputs', '0')
    .option('--threads <n>', 'worker threads for CPU backends')
    .addHelpText(
      'after',
      '\nExamples:\n  lastmile run model.onnx --shape input=1x3x224x224\n  lastmile run model.onnx --input input=image.npy --backends cpu-neon,reference --output-dir out\n  lastmile run model.bundle --input input=image.npy',
    )
    .action(async (model: string, options: RunOptions, command: Command) => {
      await runCommand(model, options, context(command));
      finish(ExitCode.Ok);
    });

  program
    .command('compile')
    .description(
      'compile a model for its input shapes and write a bundle that `lastmile run` deploys without the model',
    )
    .argument('<model>', 'ONNX model or Caffe prototxt')
    .requiredOption('-o, --output <file>', 'the bundle to write (replaced atomically)')
    .option('--shape <name=dims>', 'input shape to compile for, like x=1x3x224x224; repeatable', collect, [])
    .option(
      '--backends <list>',
      `backends by priority, comma-separated (default: ${DEFAULT_BACKENDS.join(',')}); a device that is absent but can compile (a simulator toolchain) is used`,
    )
    .option('--no-fallback', 'fail instead of running nodes the first backend declines on later ones')
    .option(
      '--min-partition-nodes <n>',
      `with several backends, pieces of fewer nodes move to a neighbour's backend that takes them (default ${DEFAULT_MIN_PARTITION_NODES}; 1: never)`,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  lastmile compile model.onnx --shape input=1x3x224x224 -o model.bundle\n  lastmile run model.bundle',
    )
    .action(async (model: string, options: CompileOptions, command: Command) => {
      await compileCommand(model, options, context(command));
      finish(ExitCode.Ok);
    });

  program
    .command('quantize')
    .description(
      'calibrate a model on sample images or tensors and write its QDQ form (int8 weights, 8-bit activations) that onnxruntime runs',
    )
    .argument('<model>', 'ONNX model or Caffe prototxt with one input')
    .requiredOption(
      '--calibration <dir|file>',
      'a folder of .png/.jpg/.npy/.pb samples, or one file; repeatable',
      collect,
      [],
    )
    .requiredOption('-o, --output <file>', 'the QDQ model to write (replaced atomically)')
    .option('--table <file>', 'also write the calibration table (JSON) sessions take as calibrationTable')
    .option('--method <name>', `how each range is chosen: ${CALIBRATION_METHODS.join(', ')}`, 'minmax')
    .option('--percentile <p>', 'for --method percentile (default 99.99)')
    .option('--type <t>', 'activation integers: uint8 or int8', 'uint8')
    .option('--symmetric', 'activation parameters symmetric around zero', false)
    .option('--mean <list>', 'per-channel mean subtracted from images scaled to 0..1, like 0.485,0.456,0.406')
    .option('--std <list>', 'per-channel std images are divided by, like 0.229,0.224,0.225')
    .option('--shape <name=dims>', 'the size images are resized to, like x=1x3x224x224', collect, [])
    .option(
      '--min-sqnr <dB>',
      'keep activations in float, one at a time, until every output has this SQNR against fp32',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  lastmile quantize model.onnx --calibration images/ --method entropy -o model.qdq.onnx --table model.calibration.json',
    )
    .action(async (model: string, options: QuantizeOptions, command: Command) => {
      await quantizeCommand(model, options, context(command));
      finish(ExitCode.Ok);
    });

  program
    .command('inspect')
    .description(
      'summarize a model (inputs, outputs, ops, opsets, weights) and show which nodes each backend takes and why not',
    )
    .argument('<model>', 'ONNX model file')
    .option('--backends <list>', 'backends to ask, comma-separated (default: every installed one)')
    .option(
      '--min-partition-nodes <n>',
      `with several backends, pieces of fewer nodes move to a neighbour's backend that takes them (default ${DEFAULT_MIN_PARTITION_NODES}; 1: never)`,
    )
    .option('--shape <name=dims>', 'input shape to ask the backends about, like x=1x3x224x224; repeatable', collect, [])
    .action(async (model: string, options: InspectOptions, command: Command) => {
      await inspectCommand(model, options, context(command));
      finish(ExitCode.Ok);
    });

  program
    .command('devices')
    .description(
      'list the known backends: installed or not, and what their probe found (hardware, SIMULATED, EMULATED or software)',
    )
    .action(async (_options: unknown, command: Command) => {
      await devicesCommand(context(command));
      finish(ExitCode.Ok);
    });

  program
    .command('bench')
    .description('quick latency of a model per backend: session creation, first run, median/p10/p90 of N runs')
    .argument('<model>', 'ONNX model file')
    .option(
      '--backends <list>',
      `backends to measure one by one, comma-separated (default: ${DEFAULT_BACKENDS.join(',')})`,
    )
    .option('--runs <n>', 'timed runs per backend', '10')
    .option('--warmup-ms <ms>', 'time spent on untimed runs after the first one', '200')
    .option('--threads <n>', 'worker threads for CPU backends')
    .option('--input <name=file>', 'input data, as for run; repeatable', collect, [])
    .option('--shape <name=dims>', 'shape of a random input, as for run; repeatable', collect, [])
    .option('--seed <n>', 'seed of random inputs', '0')
    .action(async (model: string, options: BenchOptions, command: Command) => {
      finish(await benchCommand(model, options, context(command)));
    });

  return program;
}

/** Runs the CLI on `argv` (as process.argv: node, script, args...) and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  const program = createProgram((c) => {
    code = c;
  });
  if (argv.length <= 2) {
    process.stderr.write(program.helpInformation());
    return ExitCode.Usage;
  }
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help / version asked for).
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? ExitCode.Ok
        : ExitCode.Usage;
    }
    const globals = program.opts<GlobalOptions>();
    report(error, globals);
    return exitCodeFor(error);
  }
}

/** A line naming the error and its code (lists in the message follow on their own lines); details and stack with --verbose. */
function report(error: unknown, options: GlobalOptions): void {
  const message = error instanceof Error ? error.message : String(error);
  const label = isLastmileError(error) ? `error ${error.code}` : error instanceof UsageError ? 'usage error' : 'error';
  process.stderr.write(`lastmile: ${label}: ${message}\n`);
  if (error instanceof UsageError) process.stderr.write('(run with --help for usage)\n');
  if (options.verbose) {
    if (isLastmileError(error)) process.stderr.write(`details: ${safeJson(error.details)}`);
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
  if (options.json) {
    const body = {
      error: {
        code: isLastmileError(error) ? error.code : error instanceof UsageError ? 'USAGE' : 'ERROR',
        name: error instanceof Error ? error.name : 'Error',
        message,
        exitCode: exitCodeFor(error),
        ...(isLastmileError(error) ? { details: error.details } : {}),
      },
    };
    process.stdout.write(safeJson(body));
  }
}

function safeJson(value: unknown): string {
  try {
    return toJson(value);
  } catch {
    return `${JSON.stringify({ unserializable: true })}\n`;
  }
}
