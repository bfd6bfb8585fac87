/**
 * Bundles the screens: ui/app.ts → ui/dist/app.js (the kiosks and the station picker) and, as
 * a bundle of its own so the kiosks never download it, ui/staff-app.ts → ui/dist/staff.js (the
 * staff console). ES2022, minified, with source maps. `npm run build:ui` runs this file; tests
 * and the server can call `buildUi()` directly.
 */
import { build, type BuildOptions, type BuildResult } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const uiDir = dirname(fileURLToPath(import.meta.url));

/** Where the bundle lands; the server serves this folder at /ui/*. */
export const UI_DIST_DIR = join(uiDir, 'dist');

/** esbuild's options for the UI bundle; test/bench/bundle.ts measures the same bundle. */
export function uiBuildOptions(options: { minify?: boolean } = {}): BuildOptions {
  return {
    entryPoints: [join(uiDir, 'app.ts')],
    outfile: join(UI_DIST_DIR, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: true,
    // Decorators follow tsconfig (experimentalDecorators, useDefineForClassFields: false).
    tsconfig: join(uiDir, '..', 'tsconfig.json'),
    logLevel: 'warning',
    legalComments: 'linked',
  };
}

/** esbuild's options for the staff console's bundle: the kiosk's, from its own entry. */
export function staffBuildOptions(options: { minify?: boolean } = {}): BuildOptions {
  return {
    ...uiBuildOptions(options),
    entryPoints: [join(uiDir, 'staff-app.ts')],
    outfile: join(UI_DIST_DIR, 'staff.js'),
  };
}

/** Builds both bundles and resolves with esbuild's results, kiosk first (throws on a build error). */
export async function buildUi(options: { minify?: boolean } = {}): Promise<BuildResult[]> {
  return Promise.all([build(uiBuildOptions(options)), build(staffBuildOptions(options))]);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const started = performance.now();
  await buildUi();
  console.log(
    `ui built → ${join('ui', 'dist', 'app.js')}, ${join('ui', 'dist', 'staff.js')} in ${Math.round(performance.now() - started)} ms`,
  );
}
