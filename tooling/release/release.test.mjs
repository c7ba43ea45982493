// What a release would do: pack only built packages, each with the license, and move the published
// packages (and only those) together to the first version.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PREPACK = fileURLToPath(new URL('prepack.mjs', import.meta.url));

/** A package folder two levels under a root holding a LICENSE, as packages/<name> sits in the repository. */
function fakePackage(manifest) {
  const root = mkdtempSync(join(tmpdir(), 'lastmile-prepack-'));
  writeFileSync(join(root, 'LICENSE'), 'the license\n');
  const dir = join(root, 'packages', 'pkg');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

describe('prepack', () => {
  const manifest = {
    name: '@lastmile/fake',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    bin: { fake: './dist/cli.js' },
    exports: { '.': { '@lastmile/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
  };

  it('refuses a package that was not built, naming what is missing', () => {
    const dir = fakePackage(manifest);
    const result = spawnSync(process.execPath, [PREPACK], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      '@lastmile/fake is not built: ./dist/index.js, ./dist/index.d.ts, ./dist/cli.js missing',
    );
    expect(existsSync(join(dir, 'LICENSE'))).toBe(false);
  });

  it('puts the root LICENSE beside a built package', () => {
    const dir = fakePackage(manifest);
    mkdirSync(join(dir, 'dist'));
    for (const file of ['index.js', 'index.d.ts', 'cli.js']) writeFileSync(join(dir, 'dist', file), '');
    execFileSync(process.execPath, [PREPACK], { cwd: dir });
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe('the license\n');
  });
});

describe('the release plan', () => {
  const published = readdirSync(join(ROOT, 'packages')).map((folder) =>
    JSON.parse(readFileSync(join(ROOT, 'packages', folder, 'package.json'), 'utf8')),
  );

  it('publishes packages/* only, each with the license, repository and files a user needs', () => {
    for (const m of published) {
      expect(m.private, m.name).toBeUndefined();
      expect(m.license, m.name).toBe('Apache-2.0');
      expect(m.repository?.directory, m.name).toMatch(/^packages\//);
      expect(m.files, m.name).toEqual(expect.arrayContaining(['dist', 'README.md', 'CHANGELOG.md']));
      expect(m.scripts?.prepack, m.name).toBe('node ../../tooling/release/prepack.mjs');
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it('ships READMEs whose links work on npm: no link relative to the repository', () => {
    for (const folder of readdirSync(join(ROOT, 'packages'))) {
      const readme = readFileSync(join(ROOT, 'packages', folder, 'README.md'), 'utf8');
      const relative = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z]+:/.test(target));
      expect(relative, `packages/${folder}/README.md`).toEqual([]);
    }
  });

  it('moves every published package to 0.1.0 together and no private one', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lastmile-changesets-')), 'status.json');
    execFileSync(join(ROOT, 'node_modules', '.bin', 'changeset'), ['status', '--output', out], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const { releases } = JSON.parse(readFileSync(out, 'utf8'));
    const moved = releases.filter((r) => r.newVersion !== r.oldVersion);
    expect(moved.map((r) => r.name).sort()).toEqual(published.map((m) => m.name).sort());
    expect(new Set(moved.map((r) => r.newVersion))).toEqual(new Set(['0.1.0']));
  });
});

describe('dependency install scripts (bad-inputs row 71)', () => {
  /** Names of the installed packages that declare an install script, from pnpm's store of this checkout. */
  function withInstallScripts() {
    const store = join(ROOT, 'node_modules', '.pnpm');
    const names = new Set();
    for (const entry of readdirSync(store)) {
      const modules = join(store, entry, 'node_modules');
      if (!existsSync(modules)) continue;
      for (const name of readdirSync(modules)) {
        const folders = name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name];
        for (const folder of folders) {
          const manifest = join(modules, folder, 'package.json');
          if (!existsSync(manifest)) continue;
          const { name: pkg, scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
          if (scripts.preinstall || scripts.install || scripts.postinstall) names.add(pkg);
        }
      }
    }
    return [...names].sort();
  }

  it('runs only reviewed ones: each dependency with a script is allowed or ignored by name in pnpm-workspace.yaml', () => {
    const workspace = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
    const listed = (key) => {
      const block = new RegExp(`^${key}:\\n((?:  - .+\\n)+)`, 'm').exec(workspace)?.[1] ?? '';
      return [...block.matchAll(/ {2}- (.+)/g)].map((m) => m[1].trim());
    };
    const reviewed = [...listed('onlyBuiltDependencies'), ...listed('ignoredBuiltDependencies')].sort();
    expect(reviewed).toContain('esbuild');
    expect(withInstallScripts().filter((name) => !reviewed.includes(name))).toEqual([]);
  });

  it('installs from the lockfile in CI, never resolving anew', () => {
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/pnpm@10 install --frozen-lockfile/);
  });
});
