// The commands the root README tells people to type must do what it says.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts;

// pnpm commands that run themselves even when package.json has a script of the same name.
const PNPM_BUILTINS = [
  'add',
  'audit',
  'bin',
  'config',
  'dlx',
  'docs',
  'exec',
  'home',
  'import',
  'init',
  'install',
  'link',
  'list',
  'outdated',
  'pack',
  'prune',
  'publish',
  'rebuild',
  'remove',
  'root',
  'setup',
  'store',
  'unlink',
  'update',
  'why',
];

describe("the README's pnpm commands", () => {
  const named = [...readme.matchAll(/npx -y pnpm@10 ((?:[\w:-]+)(?: \| [\w:-]+)*)/g)].flatMap((m) => m[1].split(' | '));

  it('are root scripts that no pnpm built-in shadows (install and exec aside)', () => {
    expect(named.length).toBeGreaterThan(5);
    for (const name of new Set(named)) {
      // `--filter <package> <script>` runs a package's script, not the root's.
      if (name === 'install' || name === 'exec' || name.startsWith('-')) continue;
      expect(PNPM_BUILTINS, `'pnpm ${name}' runs pnpm's own command, not the script`).not.toContain(name);
      expect(Object.keys(scripts), `the README names 'pnpm ${name}', which is no script`).toContain(name);
    }
  });
});

describe('npm in the repository', () => {
  it('reads no project config it does not know (pnpm settings live in pnpm-workspace.yaml)', () => {
    // Without the npm_config_* variables a pnpm script sets for itself, as a user's shell runs npm.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')),
    );
    const npm = spawnSync('npm', ['config', 'list'], { cwd: fileURLToPath(root), encoding: 'utf8', env });
    expect(npm.status).toBe(0);
    expect(`${npm.stdout}${npm.stderr}`).not.toMatch(/Unknown project config/);
  });
});
