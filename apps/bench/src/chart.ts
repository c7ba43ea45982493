/**
 * The latency chart: median per model and contestant with its p10-p90 range, on a log scale (the
 * contestants differ by orders of magnitude), rendered headless by Vega to SVG.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { OCR_SUBJECT } from './protocol.js';
import { type BenchReport, medianOf } from './report.js';

interface Point {
  model: string;
  contestant: string;
  median: number;
  p10: number;
  p90: number;
}

function points(report: BenchReport): Point[] {
  const out: Point[] = [];
  for (const cell of [...report.cells, ...(report.ocr?.cells ?? [])]) {
    const median = medianOf(cell);
    const s = cell.best.summary;
    if (median === undefined || s === undefined) continue;
    const label =
      cell.model === OCR_SUBJECT && report.ocr?.cells.includes(cell)
        ? 'OCR pipeline (end to end)'
        : report.models.find((m) => m.id === cell.model)?.label;
    out.push({ model: label ?? cell.model, contestant: cell.contestant, median, p10: s.p10, p90: s.p90 });
  }
  return out;
}

/** Whole decades around the values: log-scale bars need a positive baseline, not zero. */
function decades(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [0.1, 1];
  return [10 ** Math.floor(Math.log10(Math.min(...positive))), 10 ** Math.ceil(Math.log10(Math.max(...positive)))];
}

/** The chart's Vega-Lite spec. */
export function latencySpec(report: BenchReport): vl.TopLevelSpec {
  const values = points(report);
  const [floor, ceiling] = decades(values.flatMap((p) => [p.p10, p.p90]));
  const y = {
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: [floor, ceiling] },
    title: 'median latency (ms)',
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Median latency per model (ms, log scale; rules: p10-p90) - ${report.machine.cpu}, ${report.machine.cores} cores`,
    data: { values },
    width: { step: 14 },
    height: 320,
    encoding: {
      // Models in run order; long labels slanted and right-aligned under their group.
      x: {
        field: 'model',
        type: 'nominal',
        title: null,
        sort: null,
        axis: { labelAngle: -30, labelAlign: 'right', labelBaseline: 'top' },
      },
      xOffset: { field: 'contestant', type: 'nominal' },
      color: { field: 'contestant', type: 'nominal', title: 'contestant' },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: { field: 'median', ...y }, y2: { datum: floor } } },
      { mark: { type: 'rule', color: '#333' }, encoding: { y: { field: 'p10', ...y }, y2: { field: 'p90' } } },
    ],
    config: { background: 'white' },
  };
}

export async function latencyChartSvg(report: BenchReport): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(latencySpec(report)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
