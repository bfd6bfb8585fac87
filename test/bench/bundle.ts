/**
 * The kiosk bundle's weight: builds it in memory with ui/build.ts's own options and esbuild's
 * metafile, and reports what a browser downloads (raw and gzip) and how much of it is zod, the
 * one dependency that has grown the bundle before.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { uiBuildOptions } from '../../ui/build.js';

export interface KioskBundleSize {
  /** Bytes of app.js as `npm run build:ui` writes it. */
  raw_bytes: number;
  /** The same, gzipped (zlib's default level). */
  gzip_bytes: number;
  /** Bytes in app.js that come from node_modules/zod. */
  zod_bytes: number;
  /** The inputs that weigh most in app.js, heaviest first. */
  top: { path: string; bytes: number }[];
}

const TOP_INPUTS = 10;
const ZOD_INPUT = /(^|\/)node_modules\/zod\//;

export async function measureKioskBundle(): Promise<KioskBundleSize> {
  const options = uiBuildOptions();
  const result = await build({ ...options, metafile: true, write: false });
  const js = result.outputFiles.find((file) => file.path === options.outfile);
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  if (!js || !output) throw new Error(`esbuild wrote no ${options.outfile}`);
  const inputs = Object.entries(output.inputs).map(([path, input]) => ({
    path,
    bytes: input.bytesInOutput,
  }));
  return {
    raw_bytes: js.contents.byteLength,
    gzip_bytes: gzipSync(js.contents).byteLength,
    zod_bytes: inputs
      .filter((input) => ZOD_INPUT.test(input.path))
      .reduce((sum, input) => sum + input.bytes, 0),
    top: inputs.sort((a, b) => b.bytes - a.bytes).slice(0, TOP_INPUTS),
  };
}
