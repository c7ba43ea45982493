/**
 * The lastmile conformance kit: runs any backend, found by name like every backend, over suites in the
 * ONNX backend-test layout and says exactly where it differs: per case `pass`, `fail` (max abs / rel
 * error and where), `unsupported`, `error` or `fallback`; expectation lists per backend; generated op
 * and model suites with expected outputs from onnxruntime-node; backend-vs-reference runs on any model;
 * and the ops x backends report of CONFORMANCE.md.
 *
 * @packageDocumentation
 */
export {
  runConformance,
  DEFAULT_CASE_TIMEOUT_MS,
  PRECISIONS,
  type ConformanceOptions,
  type ConformanceEvent,
} from './runner.js';
export { CASE_STATUSES, summarize, type CaseResult, type CaseStatus, type SuiteResult } from './results.js';
export {
  compareTensors,
  toleranceFor,
  FLOAT16_TOLERANCE,
  FLOAT32_TOLERANCE,
  type Comparison,
  type Tolerance,
} from './compare.js';
export {
  listSuite,
  readDataSet,
  writeCase,
  type CaseFiles,
  type CaseSettings,
  type DataSet,
  type SuiteCase,
} from './layout.js';
export {
  compareWithExpectations,
  expectationFileName,
  expectationFor,
  expectationFiles,
  listedRuns,
  loadRunExpectations,
  loadExpectations,
  parseExpectations,
  EXPECTATIONS_DIR,
  type Expectation,
  type ExpectationDifference,
  type ExpectationList,
  type ListedRun,
} from './expectations.js';
export {
  generateOpSuite,
  generateModelSuite,
  generateSuites,
  builtinModelCases,
  opCaseName,
  type ModelCaseSpec,
  type OpSuiteOptions,
} from './generate/generate-suites.js';
export { constant, singleNodeModel, type OpCase, type CaseInput, type ConstantInput } from './generate/op-case.js';
