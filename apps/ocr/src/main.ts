#!/usr/bin/env node
/**
 * `pnpm ocr [image]`: reads text off an image with the PP-OCR models. Without an image, reads the
 * sample shipped in apps/ocr/samples. Prints the lines with confidences and boxes and the time of
 * each stage, and writes the annotated image.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isLastmileError, type SessionEvent } from '@lastmile/core';
import { readImage, writeImage } from '@lastmile/vision';
import { annotate } from './annotate.js';
import { ENGINES, type EngineName } from './engine.js';
import { createOcr } from './ocr.js';
import { formatReport, toJson } from './report.js';
import { sampleImagePath } from './sample.js';

const USAGE = `usage: pnpm ocr [image] [options]

Reads the text of a PNG or JPEG image with PP-OCRv4 (detection, direction classification, recognition).
Without an image it reads apps/ocr/samples/sample.png.

options:
  --backend <names>     lastmile backends by priority, comma-separated (default cpu-neon,reference)
  --engine <name>       lastmile (default), or for comparison onnxruntime (needs onnxruntime-node) or
                        onnxruntime-web (wasm SIMD, needs onnxruntime-web)
  --threads <n>         threads of the model runs (default: the engine's own; onnxruntime-web 1)
  --json                print the result as JSON
  --annotate <file>     where to write the annotated PNG (default: <tmp>/lastmile-ocr/<name>.annotated.png)
  --det-limit <pixels>  longest side of the detector's input (default 960)
  --no-cls              skip the direction classifier
  --no-word-gaps        PaddleOCR's plain greedy CTC decoding: word gaps the recognizer leaves blank
                        stay unspaced (by default they become spaces)
  -h, --help            this help`;

/** Where main() writes. */
export interface Output {
  write(text: string): unknown;
}

/** Runs the command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(
  argv: readonly string[],
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const engine = (values.engine ?? 'lastmile') as EngineName;
  if (!ENGINES.includes(engine)) {
    err.write(`unknown engine '${engine}' (${ENGINES.join(', ')})\n`);
    return 2;
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    err.write(`--threads must be a positive integer, got '${values.threads}'\n`);
    return 2;
  }
  const detLimit = values['det-limit'] === undefined ? undefined : Number(values['det-limit']);
  if (detLimit !== undefined && !(Number.isInteger(detLimit) && detLimit >= 32)) {
    err.write(`--det-limit must be an integer of at least 32, got '${values['det-limit']}'\n`);
    return 2;
  }
  if (positionals.length > 1) {
    err.write(`one image at a time, got ${positionals.length}\n\n${USAGE}\n`);
    return 2;
  }
  const file = positionals[0] ?? sampleImagePath();
  const notices: string[] = [];
  const onEvent = (event: SessionEvent) => {
    if (event.type === 'backend-skipped')
      notices.push(`note: backend ${event.backend} skipped (${event.reason.split('\n')[0]})`);
  };
  try {
    const image = await readImage(file);
    const ocr = await createOcr({
      engine,
      backends: values.backend
        ?.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      threads,
      classify: !values['no-cls'],
      wordGaps: !values['no-word-gaps'],
      detLimitSide: detLimit,
      onEvent,
    });
    try {
      const result = await ocr.recognize(image);
      const annotated =
        values.annotate ?? join(tmpdir(), 'lastmile-ocr', `${basename(file, extname(file))}.annotated.png`);
      await mkdir(dirname(annotated), { recursive: true });
      await writeImage(annotated, annotate(image, result.lines));
      if (values.json) {
        out.write(`${toJson(file, result, engine, ocr.backends)}\n`);
      } else {
        for (const notice of new Set(notices)) err.write(`${notice}\n`);
        const header =
          engine !== 'lastmile'
            ? `engine ${engine}`
            : `backends det: ${ocr.backends.det.join('+')}, cls: ${ocr.backends.cls.join('+') || 'off'}, rec: ${ocr.backends.rec.join('+')}`;
        out.write(`${formatReport(file, result, header)}\n\nannotated image: ${annotated}\n`);
      }
      return 0;
    } finally {
      await ocr.dispose();
    }
  } catch (error) {
    if (isLastmileError(error)) {
      err.write(`error ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      engine: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
      annotate: { type: 'string' },
      'det-limit': { type: 'string' },
      'no-cls': { type: 'boolean' },
      'no-word-gaps': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

// Run when executed (node dist/main.js), not when imported by tests. The exit is explicit because
// onnxruntime-web's worker threads keep the event loop alive.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(await main(process.argv.slice(2)));
}
