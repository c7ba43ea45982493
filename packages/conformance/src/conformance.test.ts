/**
 * The kit end to end: generate the suites (expected outputs from onnxruntime-node), run them on the
 * reference and cpu-neon backends (everything passes), on gpu-opencl at fp32 and fp16 (where OpenCL is
 * installed; always in CI) and on the example third-party backend with fallback off (each matching its
 * expectation list), and catch a wrong, a hanging and a crashing backend.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend as openclBackend } from '@lastmile/backend-gpu-opencl';
import { a, emptyGraph, makeNode, type Precision, resolveBackend, supportedOps } from '@lastmile/core';
import { saveModel } from '@lastmile/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareToReference } from './compare-to.js';
import { compareWithExpectations, EXPECTATIONS_DIR, loadRunExpectations } from './expectations.js';
import { generateSuites } from './generate/generate-suites.js';
import { listSuite } from './layout.js';
import { formatReport } from './report.js';
import { summarize, type SuiteResult } from './results.js';
import { runConformance } from './runner.js';
import { FAULTY_BACKEND, faultyProject } from './faulty-backend.js';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = 'lastmile-backend-example';
let root: string;
let ops: string;
let models: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lastmile-conformance-test-'));
  [ops, models] = await generateSuites(root);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const expectationsOf = (backend: string, precision?: Precision) =>
  loadRunExpectations(EXPECTATIONS_DIR, backend, precision);

/**
 * gpu-opencl needs an OpenCL driver: CI installs PoCL and sets CI=true, where a missing driver fails
 * loudly; elsewhere the block is skipped with the probe's reason in its title.
 */
const openclProbe = await openclBackend.probe();
const openclMissing = !openclProbe.available && process.env.CI !== 'true';
const openclTitle = openclMissing
  ? `(skipped: no OpenCL on this machine: ${openclProbe.reason})`
  : `on ${openclProbe.device}`;
if (openclMissing)
  console.warn(`gpu-opencl conformance skipped: no OpenCL on this machine (${openclProbe.reason}); CI=true runs it`);

describe('generated suites', () => {
  it('hold cases for every op of the op set, and the PP-OCR and CNN models', () => {
    const cases = listSuite(ops);
    const covered = new Set(cases.map((c) => c.settings.op));
    expect(supportedOps().filter((op) => !covered.has(op))).toEqual([]);
    expect(cases.length).toBeGreaterThan(300);
    expect(cases.some((c) => c.name.includes('edge_values'))).toBe(true);
    expect(cases.some((c) => c.name.includes('zero_size'))).toBe(true);
    expect(listSuite(models).map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'model_ppocr_det',
        'model_ppocr_rec',
        'model_ppocr_cls',
        'model_resnet18',
        'model_resnet18_int8',
      ]),
    );
  });

  it('are the same bytes when generated again from the same seeds', async () => {
    const again = mkdtempSync(join(tmpdir(), 'lastmile-conformance-again-'));
    try {
      const [opsAgain] = await generateSuites(again, { ops: ['Add', 'Conv'], models: false });
      for (const c of listSuite(opsAgain)) {
        const file = join('test_data_set_0', 'input_0.pb');
        expect(readFileSync(join(c.dir, file)), c.name).toEqual(readFileSync(join(ops, c.name, file)));
        expect(readFileSync(join(c.dir, 'model.onnx')), c.name).toEqual(readFileSync(join(ops, c.name, 'model.onnx')));
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

describe('the reference backend', () => {
  let results: SuiteResult[];
  beforeAll(async () => {
    results = await runConformance({ backend: 'reference', suites: [ops, models], projectRoot: PACKAGE_ROOT });
  }, 300_000);

  it('passes every generated op case and model case', () => {
    const counts = summarize(results);
    const notPassing = results.flatMap((r) =>
      r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.name}: ${c.status} ${c.message ?? ''}`),
    );
    expect(notPassing).toEqual([]);
    expect(counts.pass).toBe(listSuite(ops).length + listSuite(models).length);
    expect(compareWithExpectations(results, expectationsOf('reference'))).toEqual([]);
  });

  it('reports errors per case in the JSON shape of the issue', () => {
    const [first] = results;
    expect(first).toMatchObject({ backend: 'reference', suite: 'ops' });
    expect(first.cases[0]).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        status: 'pass',
        maxAbsError: expect.any(Number),
        maxRelError: expect.any(Number),
      }),
    );
  });

  it('fills the ops x backends report', () => {
    const table = formatReport(results);
    expect(table).toMatch(/^\| Conv \| pass \(\d+\) \|$/m);
    expect(table).toMatch(/^\| model: ppocr_det \| pass \(1\) \|$/m);
  });
});

describe('the cpu-neon backend, fallback off', () => {
  it('passes every generated op case and model case, like reference', async () => {
    const results = await runConformance({ backend: 'cpu-neon', suites: [ops, models], projectRoot: PACKAGE_ROOT });
    const notPassing = results.flatMap((r) =>
      r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.name}: ${c.status} ${c.message ?? ''}`),
    );
    expect(notPassing).toEqual([]);
    expect(compareWithExpectations(results, expectationsOf('cpu-neon'))).toEqual([]);
  }, 300_000);
});

describe.skipIf(openclMissing)(`the gpu-opencl backend, fallback off ${openclTitle}`, () => {
  it('is available (CI installs PoCL)', () => {
    expect(openclProbe.reason).toBeUndefined();
    expect(openclProbe.available).toBe(true);
  });

  for (const precision of ['fp32', 'fp16'] as const) {
    it(`at ${precision}: passes every op and model case it takes, declines the rest with its reason, as its expectation list says`, async () => {
      const results = await runConformance({
        backend: 'gpu-opencl',
        precision,
        suites: [ops, models],
        projectRoot: PACKAGE_ROOT,
      });
      expect(compareWithExpectations(results, expectationsOf('gpu-opencl', precision))).toEqual([]);
      const counts = summarize(results);
      expect(counts.error + counts.fallback).toBe(0);
      // fp32 fails nothing; fp16 only edge values that have no half (3e38, 1e-40), as its list says.
      const failed = results.flatMap((r) => r.cases.filter((c) => c.status === 'fail').map((c) => c.name));
      expect(failed.filter((name) => precision === 'fp32' || !name.endsWith('_edge_values'))).toEqual([]);
      const byName = new Map(results.flatMap((r) => r.cases.map((c) => [c.name, c])));
      for (const name of ['op_Conv_00', 'model_ppocr_det', 'model_ppocr_rec', 'model_ppocr_cls', 'model_resnet18'])
        expect(byName.get(name)?.status, name).toBe('pass');
      expect(counts.pass).toBeGreaterThan(counts.unsupported);
    }, 300_000);
  }
});

describe('the example third-party backend, fallback off', () => {
  it("is a version-1 backend, loaded through core's adapter", async () => {
    const loaded = await resolveBackend(EXAMPLE, { projectRoot: PACKAGE_ROOT });
    expect(loaded.apiVersion).toBe(2);
    expect(loaded.version).toBeUndefined();
    const { backend: declared } = (await import(EXAMPLE)) as { backend: { apiVersion: number } };
    expect(declared.apiVersion).toBe(1);
  });

  it('passes its ops, reports the rest unsupported, as its expectation list says', async () => {
    const results = await runConformance({ backend: EXAMPLE, suites: [ops, models], projectRoot: PACKAGE_ROOT });
    expect(compareWithExpectations(results, expectationsOf(EXAMPLE))).toEqual([]);
    const byName = new Map(results.flatMap((r) => r.cases.map((c) => [c.name, c])));
    expect(byName.get('op_Relu_02_edge_values')?.status).toBe('pass');
    expect(byName.get('op_Add_04_broadcast_both')?.status).toBe('pass');
    expect(byName.get('op_Conv_00')).toMatchObject({
      status: 'unsupported',
      message: expect.stringMatching(/Conv is not one of Relu, Sigmoid, Add, Mul/),
    });
    expect(byName.get('model_ppocr_cls')?.status).toBe('unsupported');
    const counts = summarize(results);
    expect(counts.fail + counts.error).toBe(0);
    expect(counts.pass).toBeGreaterThanOrEqual(24);
  }, 300_000);

  it('with fallback on, runs the rest on the reference backend (status fallback)', async () => {
    const [result] = await runConformance({
      backend: EXAMPLE,
      suites: [ops],
      filter: '^op_(Conv_00|Relu_00)$',
      fallback: true,
      projectRoot: PACKAGE_ROOT,
    });
    expect(result.cases.map((c) => [c.name, c.status])).toEqual([
      ['op_Conv_00', 'fallback'],
      ['op_Relu_00', 'pass'],
    ]);
  });
});

describe('stopped prepares and runs (--abort)', () => {
  it('leave reference and cpu-neon sessions giving the same bits', async () => {
    for (const [backend, suite, filter] of [
      ['reference', ops, '^op_(Conv_00|Softmax_00|Resize_00)'],
      ['cpu-neon', models, '^model_ppocr_cls$'],
    ] as const) {
      const [result] = await runConformance({
        backend,
        suites: [suite],
        filter,
        abort: true,
        projectRoot: PACKAGE_ROOT,
      });
      expect(result.cases.length).toBeGreaterThan(0);
      for (const c of result.cases) expect(c.status, `${backend} ${c.name}: ${c.message}`).toBe('pass');
    }
  }, 120_000);
});

describe('a device context shared by several partitions (--contexts)', () => {
  it.skipIf(openclMissing)(
    `gpu-opencl ${openclTitle}: model cases cut into several partitions share one context`,
    async () => {
      const [result] = await runConformance({
        backend: 'gpu-opencl',
        suites: [models],
        filter: '^model_(ppocr_cls|mobilenet_v2)$',
        contexts: true,
        projectRoot: PACKAGE_ROOT,
      });
      expect(result.cases.length).toBeGreaterThan(0);
      for (const c of result.cases) expect(c.status, `${c.name}: ${c.message}`).toBe('pass');
    },
    300_000,
  );
});

describe('the artifact round trip (--artifacts)', () => {
  const roundTrip = (backend: string, suites: string[], filter?: string) =>
    runConformance({ backend, suites, artifacts: true, projectRoot: PACKAGE_ROOT, ...(filter ? { filter } : {}) });

  it('cpu-neon: every model case, loaded from its bundle in a fresh worker, gives the same bits', async () => {
    const [result] = await roundTrip('cpu-neon', [models]);
    expect(result.cases.length).toBeGreaterThan(4);
    for (const c of result.cases) expect(c.status, `${c.name}: ${c.message}`).toBe('pass');
  }, 300_000);

  it('reference: op cases of several kinds round-trip too', async () => {
    const [result] = await roundTrip(
      'reference',
      [ops],
      '^op_(Conv_00|Resize_00|QLinearConv_00|Cast_05|Constant_00|lastmile_FusedConv_Clip_00)',
    );
    expect(result.cases.length).toBeGreaterThanOrEqual(4);
    for (const c of result.cases) expect(c.status, `${c.name}: ${c.message}`).toBe('pass');
  }, 120_000);

  it.skipIf(openclMissing)(
    `gpu-opencl ${openclTitle}: a model case round-trips`,
    async () => {
      const [result] = await roundTrip('gpu-opencl', [models], '^model_ppocr_cls$');
      expect(result.cases.map((c) => [c.name, c.status])).toEqual([['model_ppocr_cls', 'pass']]);
    },
    300_000,
  );

  it('the example backend, which cannot export, has its passing cases unsupported, saying why', async () => {
    const [result] = await roundTrip(EXAMPLE, [ops], '^op_Relu_00$');
    expect(result.cases[0]).toMatchObject({
      status: 'unsupported',
      message: expect.stringMatching(/cannot write its compiled partitions/),
    });
  });
});

describe('faulty backends never stop the run', () => {
  let project: string;
  beforeAll(() => {
    project = faultyProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('catches a wrong result, a hang, a crash, a throw and a refusal, and runs the other cases', async () => {
    const [result] = await runConformance({
      backend: FAULTY_BACKEND,
      suites: [ops],
      filter: '^op_(Relu|Sigmoid|Tanh|Abs|Exp|Neg)_00$',
      timeoutMs: 3000,
      projectRoot: project,
    });
    const byName = Object.fromEntries(result.cases.map((c) => [c.name, c]));
    expect(byName.op_Relu_00).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/output 0 'out0'\[\d+, \d+(, \d+)*\]: got -?\d/),
    });
    expect(byName.op_Relu_00.maxAbsError).toBeGreaterThan(0);
    expect(byName.op_Sigmoid_00).toMatchObject({ status: 'error', code: 'LM_TIMEOUT' });
    expect(byName.op_Tanh_00).toMatchObject({
      status: 'error',
      code: 'LM_BACKEND_CRASHED',
      message: expect.stringMatching(/exited with code 7/),
    });
    expect(byName.op_Abs_00).toMatchObject({
      status: 'error',
      code: 'LM_BACKEND',
      message: expect.stringMatching(/Abs kernel exploded/),
    });
    expect(byName.op_Exp_00).toMatchObject({
      status: 'unsupported',
      message: expect.stringMatching(/declined on purpose/),
    });
    expect(byName.op_Neg_00.status).toBe('pass');
    const differences = compareWithExpectations([result], {
      'op_Exp_*': { status: 'unsupported', reason: 'declined' },
      'op_Neg_*': { status: 'unsupported', reason: 'was broken' },
    });
    expect(differences.map((d) => [d.name, d.kind])).toEqual([
      ['op_Abs_00', 'regression'],
      ['op_Neg_00', 'unexpected-pass'],
      ['op_Relu_00', 'regression'],
      ['op_Sigmoid_00', 'regression'],
      ['op_Tanh_00', 'regression'],
    ]);
  }, 60_000);

  it('with --abort, catches a backend that a stopped run leaves computing wrongly', async () => {
    const [result] = await runConformance({
      backend: FAULTY_BACKEND,
      suites: [ops],
      filter: '^op_(Neg|Sqrt)_00$',
      abort: true,
      projectRoot: project,
    });
    expect(result.cases.map((c) => [c.name, c.status, c.message])).toEqual([
      ['op_Neg_00', 'fail', "after stopped runs, output 'out0' differs from an unstopped run's"],
      ['op_Sqrt_00', 'pass', undefined],
    ]);
  });

  it('with --contexts, catches a backend whose partitions sharing a context compute wrongly', async () => {
    const run = (contexts: boolean) =>
      runConformance({
        backend: FAULTY_BACKEND,
        suites: [models],
        filter: '^model_ppocr_cls$',
        contexts,
        projectRoot: project,
      });
    const [[plain], [cut]] = await Promise.all([run(false), run(true)]);
    expect(plain.cases.map((c) => c.status)).toEqual(['pass']);
    expect(cut.cases[0]).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^cut into \d+ partitions of 'lastmile-backend-faulty': /),
    });
  }, 120_000);

  it('reports a backend that is not installed as an error of each case', async () => {
    const [result] = await runConformance({
      backend: 'lastmile-backend-missing',
      suites: [ops],
      filter: '^op_Relu_00$',
      projectRoot: project,
    });
    expect(result.cases[0]).toMatchObject({ status: 'error', code: 'LM_BACKEND_UNAVAILABLE' });
  });
});

describe('backend-vs-reference mode', () => {
  it('runs any model on both with seeded inputs, and catches a wrong backend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lastmile-compare-to-'));
    try {
      const graph = emptyGraph('relu_add');
      graph.inputs.push(
        { name: 'x', type: 'float32', shape: ['batch', 3, 4] },
        { name: 'y', type: 'float32', shape: [4] },
      );
      graph.nodes.push(
        makeNode('Mul', ['x', 'y'], ['m']),
        makeNode('Relu', ['m'], ['z']),
        makeNode('LeakyRelu', ['z'], ['out'], { alpha: a.float(0.1) }),
      );
      graph.outputs.push({ name: 'out', type: 'float32', shape: ['batch', 3, 4] });
      const path = join(dir, 'model.onnx');
      await saveModel({ irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() }, path);
      const ok = await compareToReference({
        backend: EXAMPLE,
        model: path,
        seed: 3,
        shapes: { x: [2, 3, 4] },
        fallback: true,
        projectRoot: PACKAGE_ROOT,
      });
      expect(ok.cases[0]).toMatchObject({ name: 'model.onnx', status: 'fallback' });
      const off = await compareToReference({ backend: EXAMPLE, model: path, seed: 3, projectRoot: PACKAGE_ROOT });
      expect(off.cases[0].status).toBe('unsupported');
      const project = faultyProject();
      try {
        graph.nodes = [makeNode('Relu', ['x'], ['out'])];
        graph.inputs.pop();
        await saveModel({ irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() }, path);
        const wrong = await compareToReference({ backend: FAULTY_BACKEND, model: path, seed: 3, projectRoot: project });
        expect(wrong.cases[0]).toMatchObject({ status: 'fail', message: expect.stringContaining("output 0 'out'") });
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the command', () => {
  it('runs a filtered suite, writes the JSON and exits 0 when the expectations hold, 1 when not', () => {
    const json = join(root, 'out.json');
    const cli = join(PACKAGE_ROOT, 'dist', 'cli.js');
    const out = execFileSync(
      process.execPath,
      [cli, '--suite', ops, '--backend', 'reference', '--filter', '^op_Relu', '--json', json],
      { cwd: PACKAGE_ROOT, encoding: 'utf8' },
    );
    expect(out).toMatch(/all cases match the expectations/);
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    expect(parsed).toMatchObject({ backend: 'reference', suite: 'ops' });
    expect(parsed.cases.map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'pass']);
    let status = 0;
    try {
      execFileSync(
        process.execPath,
        [
          cli,
          '--suite',
          ops,
          '--backend',
          EXAMPLE,
          '--filter',
          '^op_Relu_00$',
          '--expectations',
          join(EXPECTATIONS_DIR, 'reference.json'),
          '--fallback',
        ],
        { cwd: PACKAGE_ROOT, encoding: 'utf8' },
      );
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(0);
    try {
      execFileSync(
        process.execPath,
        [
          cli,
          '--suite',
          ops,
          '--backend',
          EXAMPLE,
          '--filter',
          '^op_Conv_00$',
          '--expectations',
          join(EXPECTATIONS_DIR, 'reference.json'),
        ],
        { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (error) {
      status = (error as { status: number }).status;
      const stdout = String((error as { stdout: string }).stdout);
      expect(stdout).toMatch(/!!! REGRESSION ops\/op_Conv_00: expected pass, got unsupported/);
      // The reason lists every declined node on lines of its own: printed whole, not cut to its first line.
      expect(stdout).toMatch(
        /^ {6,}\S+ \(Conv\): lastmile-backend-example: Conv is not one of Relu, Sigmoid, Add, Mul$/m,
      );
    }
    expect(status).toBe(1);
  }, 60_000);

  it('generates only the asked ops with --ops and --no-models, and takes --shape as the lastmile CLI does', async () => {
    const cli = join(PACKAGE_ROOT, 'dist', 'cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'lastmile-generate-'));
    try {
      execFileSync(process.execPath, [cli, '--generate', dir, '--ops', 'Relu,Sigmoid', '--no-models'], {
        cwd: PACKAGE_ROOT,
        encoding: 'utf8',
      });
      expect(listSuite(join(dir, 'ops')).map((c) => c.name.replace(/_\d\d.*$/, ''))).toEqual([
        ...Array(3).fill('op_Relu'),
        ...Array(3).fill('op_Sigmoid'),
      ]);
      const graph = emptyGraph('relu');
      graph.inputs.push({ name: 'x', type: 'float32', shape: ['batch', 3, 4] });
      graph.nodes.push(makeNode('Relu', ['x'], ['out']));
      graph.outputs.push({ name: 'out', type: 'float32', shape: ['batch', 3, 4] });
      const model = join(dir, 'relu.onnx');
      await saveModel({ irVersion: 8, opsets: new Map([['', 17]]), graph, metadata: new Map() }, model);
      for (const shape of ['x=2x3x4', 'x=2,3,4']) {
        const out = execFileSync(
          process.execPath,
          [cli, '--backend', EXAMPLE, '--compare-to', 'reference', '--model', model, '--shape', shape],
          { cwd: PACKAGE_ROOT, encoding: 'utf8' },
        );
        expect(out).toMatch(/1 pass/);
      }
      let stderr = '';
      try {
        execFileSync(
          process.execPath,
          [cli, '--backend', EXAMPLE, '--compare-to', 'reference', '--model', model, '--shape', 'x=2x0x4'],
          { cwd: PACKAGE_ROOT, stdio: 'pipe' },
        );
      } catch (error) {
        stderr = String((error as { stderr: Buffer }).stderr);
      }
      expect(stderr).toMatch(/--shape 'x=2x0x4': dims '2x0x4': a dim of 0 leaves the tensor empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs a backend at --precision, recording it in the JSON, and refuses an unknown precision', () => {
    const json = join(root, 'fp16.json');
    const cli = join(PACKAGE_ROOT, 'dist', 'cli.js');
    const out = execFileSync(
      process.execPath,
      [cli, '--suite', ops, '--backend', 'reference', '--filter', '^op_Relu', '--precision', 'fp16', '--json', json],
      { cwd: PACKAGE_ROOT, encoding: 'utf8' },
    );
    expect(out).toMatch(/^reference \(fp16\) on ops: 3 pass/m);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({
      backend: 'reference',
      precision: 'fp16',
      suite: 'ops',
    });
    let status = 0;
    try {
      execFileSync(process.execPath, [cli, '--suite', ops, '--backend', 'reference', '--precision', 'fp8'], {
        cwd: PACKAGE_ROOT,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      status = (error as { status: number }).status;
      expect(String((error as { stderr: string }).stderr)).toMatch(
        /precision 'fp8' is not one of auto, fp32, fp16, int8/,
      );
    }
    expect(status).toBe(2);
  }, 60_000);
});
