// Runs before `pnpm pack` / `npm pack` / publish in a package folder: refuses a package whose built files
// are missing (an unbuilt tree would pack a tarball without dist/ and no error) and puts the repository's
// LICENSE beside it, so every tarball carries the license its manifest names.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = process.cwd();
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

// Every file the published manifest points at: main, types, bin and the exports (publishConfig's when given).
function targets(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '@lastmile/source' ? [] : targets(inner)));
}
const published = { ...manifest, ...(manifest.publishConfig ?? {}) };
const files = [
  ...new Set(
    [published.main, published.types, ...targets(published.bin), ...targets(published.exports)].filter(Boolean),
  ),
];
const missing = files.filter((file) => !existsSync(resolve(dir, file)));
if (missing.length > 0) {
  console.error(
    `prepack: ${manifest.name} is not built: ${missing.join(', ')} missing. Run \`npx -y pnpm@10 build\` first.`,
  );
  process.exit(1);
}
copyFileSync(resolve(dir, '../../LICENSE'), join(dir, 'LICENSE'));
