/**
 * Accuracy-driven mixed precision: given a budget on the final outputs (an SQNR in dB against fp32),
 * keep activations in float one at a time until the budget holds. Each step measures, at the outputs,
 * what keeping each of a shortlist in float wins, and keeps the best: the shortlist holds the values
 * of lowest SQNR and those of the largest drop below the SQNR of the quantized values their op reads
 * (where error is born rather than inherited). Measured at the outputs, since a value can look fine
 * itself and ruin what reads it: a layer norm's variance in 8 bits loses only its small rows, which the
 * division then blows up.
 */
import type { CalibrationTable, Model, Tensor } from '@lastmile/core';
import { qdqModel } from '../qdq-model.js';
import { type AgreementReport, agreementOf } from './agreement.js';

export interface MixedPrecisionOptions {
  /** The least SQNR every float output must keep, in dB. */
  minSqnrDb: number;
  /** The most activations kept in float before giving up (default 32). */
  maxFloat?: number;
  /** Candidates measured per step (default 12, half by SQNR, half by drop). */
  shortlist?: number;
}

/** One step of the search: the value kept in float, what it was, and the worst output SQNR after it. */
export interface PrecisionStep {
  value: string;
  op: string;
  /** Its SQNR before the step, and how far below its inputs' it was. */
  sqnrDb: number;
  dropDb: number;
  outputSqnrDb: number;
}

export interface MixedPrecision {
  /** Activations left in float, in the order chosen. */
  float: string[];
  steps: PrecisionStep[];
  /** Whether the budget holds. */
  met: boolean;
  /** The agreement of the final choice. */
  report: AgreementReport;
}

const worstOutput = (report: AgreementReport) => Math.min(...report.outputs.map((o) => o.sqnrDb));

/** The greedy search (see the module comment) over `samples`, each run through both models per step. */
export function chooseMixedPrecision(
  float: Model,
  table: CalibrationTable,
  samples: readonly Record<string, Tensor>[],
  options: MixedPrecisionOptions,
): MixedPrecision {
  const maxFloat = options.maxFloat ?? 32;
  const kept: string[] = [];
  const steps: PrecisionStep[] = [];
  const readers = new Map(
    float.graph.nodes.flatMap((n) => n.outputs.map((o): [string, readonly string[]] => [o, n.inputs])),
  );
  for (;;) {
    const report = agreementOf(float, qdqModel(float, table, { float: kept }), samples);
    const worst = worstOutput(report);
    if (worst >= options.minSqnrDb || kept.length >= maxFloat || report.values.length === 0)
      return { float: kept, steps, met: worst >= options.minSqnrDb, report };
    const sqnr = new Map(report.values.map((v) => [v.value, v.sqnrDb]));
    const drops = report.values.map((v) => {
      const inherited = (readers.get(v.value) ?? []).map((i) => sqnr.get(i)).filter((s) => s !== undefined);
      const before = inherited.length > 0 ? Math.min(...(inherited as number[])) : Infinity;
      // A value with no quantized input is measured against a clean 60 dB.
      return { ...v, dropDb: Math.min(before, 60) - v.sqnrDb };
    });
    const half = Math.ceil((options.shortlist ?? 12) / 2);
    const shortlist = new Map(
      [
        ...[...drops].sort((a, b) => a.sqnrDb - b.sqnrDb).slice(0, half),
        ...[...drops].sort((a, b) => b.dropDb - a.dropDb).slice(0, half),
      ].map((d) => [d.value, d]),
    );
    let best: { candidate: (typeof drops)[number]; outputSqnrDb: number } | undefined;
    for (const candidate of shortlist.values()) {
      const outputSqnrDb = worstOutput(
        agreementOf(float, qdqModel(float, table, { float: [...kept, candidate.value] }), samples),
      );
      if (best === undefined || outputSqnrDb > best.outputSqnrDb) best = { candidate, outputSqnrDb };
    }
    const { candidate } = best as NonNullable<typeof best>;
    kept.push(candidate.value);
    steps.push({
      value: candidate.value,
      op: candidate.op,
      sqnrDb: candidate.sqnrDb,
      dropDb: candidate.dropDb,
      outputSqnrDb: (best as NonNullable<typeof best>).outputSqnrDb,
    });
  }
}
