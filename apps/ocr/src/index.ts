/**
 * The OCR pipeline on the PP-OCR models: text detection (DB), direction classification and
 * recognition (CTC), on lastmile's backends or, for comparison, onnxruntime-node or onnxruntime-web.
 *
 * @packageDocumentation
 */
export { createOcr, type Ocr, type OcrOptions, type OcrResult, type TextLine } from './ocr.js';
export { ENGINES, openPipeline, type EngineName, type EnginePipeline } from './engine.js';
export { clsSpec, detSpec, recSpec, type Direction } from './stages.js';
export { annotate } from './annotate.js';
export { sampleImagePath } from './sample.js';
export { formatReport, toJson } from './report.js';
export * from './ppocr.js';
