/**
 * What `pnpm ocr` prints: the lines with their confidences and boxes, then the time of each stage.
 */
import type { OcrResult } from './ocr.js';

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** The human-readable report of one OCR run. */
export function formatReport(file: string, result: OcrResult, header: string): string {
  const out = [
    `${file} (${result.width}x${result.height}): ${result.lines.length} text line${result.lines.length === 1 ? '' : 's'}  [${header}]`,
    '',
  ];
  result.lines.forEach((line, i) => {
    const box = line.box.map(([x, y]) => `${x},${y}`).join(' ');
    out.push(
      `${String(i + 1).padStart(3)}. ${JSON.stringify(line.text)}  confidence ${line.confidence.toFixed(3)}${line.angle === 180 ? '  (turned 180)' : ''}  box ${box}`,
    );
  });
  out.push('', 'time per stage:');
  const width = Math.max(...result.timings.map((t) => t.stage.length), 5);
  for (const t of result.timings) out.push(`  ${t.stage.padEnd(width)}  ${ms(t.ms).padStart(11)}`);
  out.push(`  ${'total'.padEnd(width)}  ${ms(result.totalMs).padStart(11)}`);
  return out.join('\n');
}

/** The JSON form of one run (for scripts). */
export function toJson(
  file: string,
  result: OcrResult,
  engine: string,
  backends: Record<string, readonly string[]>,
): string {
  return JSON.stringify({ file, engine, backends, ...result }, null, 2);
}
