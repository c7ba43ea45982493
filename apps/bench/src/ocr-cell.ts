/**
 * One OCR pipeline cell, measured inside its child process like a model cell: the three models opened
 * on the contestant's engine (timed: session creation), one run whose text must equal onnxruntime-node's
 * (timed: the first run), warm-up, timed runs; each run decodes the image and runs the whole pipeline,
 * and the median of each part (pre-processing, det, DB post, cls, rec, CTC) is kept.
 */
import { readFile } from 'node:fs/promises';
import { createOcr as createDefaultOcr, type Ocr } from '@lastmile/ocr';
import { decodeImage, type StageTiming } from '@lastmile/vision';
import { measureRuns, timed } from './cell.js';
import { ocrOptionsOf, partMedians } from './ocr-pipeline.js';
import type { CellResult, OcrCellRequest } from './protocol.js';

export interface OcrCellDeps {
  createOcr: typeof createDefaultOcr;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function measureOcrCell(
  request: OcrCellRequest,
  deps: OcrCellDeps = { createOcr: createDefaultOcr },
): Promise<CellResult> {
  const { method } = request;
  const bytes = new Uint8Array(await readFile(request.imagePath));
  let ocr: Ocr;
  let createMs: number;
  try {
    [ocr, createMs] = await timed(() =>
      deps.createOcr({ ...ocrOptionsOf(request.contestant), projectRoot: request.projectRoot }),
    );
  } catch (error) {
    return { status: 'failed', reason: `pipeline creation failed: ${message(error)}` };
  }
  // Stage timings of every run, in order; the timed runs are the last ones.
  const runs: StageTiming[][] = [];
  const pipeline = {
    async run() {
      const start = performance.now();
      const image = decodeImage(bytes, { file: request.imagePath });
      const decode = { stage: 'decode', ms: performance.now() - start };
      const result = await ocr.recognize(image);
      runs.push([decode, ...result.timings]);
      return result;
    },
  };
  try {
    const [first, firstRunMs] = await timed(() => pipeline.run());
    const lines = first.lines.map((l) => l.text);
    if (JSON.stringify(lines) !== JSON.stringify(request.expectedLines)) {
      return {
        status: 'wrong',
        reason: `read ${JSON.stringify(lines)}, onnxruntime-node reads ${JSON.stringify(request.expectedLines)}`,
        createMs,
        firstRunMs,
      };
    }
    const measured = await measureRuns(pipeline, method, firstRunMs);
    return { status: 'ok', createMs, ...measured, stages: partMedians(runs.slice(-measured.samples.length)) };
  } catch (error) {
    return { status: 'failed', reason: `run failed: ${message(error)}` };
  } finally {
    await ocr.dispose();
  }
}
