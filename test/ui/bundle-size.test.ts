/**
 * The kiosk bundle stays light: a single value import of actors/protocol.ts, machines/schemas.ts
 * or `zod` from ui/ puts the full zod back (454 KB raw; the bundle was 126 KB gzip with it).
 */
import { describe, expect, it } from 'vitest';
import { measureKioskBundle } from '../bench/bundle.js';

/** What the kiosk may download, gzipped: Lit (~16 KB), the screens and zod/mini fit well inside. */
const MAX_GZIP_BYTES = 60 * 1024;

/**
 * zod/mini's core with the checks ui/wire.ts uses, plus its English messages, is about 25 KB
 * raw; 32 KB leaves room for a few more checks, while the full zod's classic layer and the
 * code it pulls in land hundreds of KB above.
 */
const MAX_ZOD_BYTES = 32 * 1024;

describe('kiosk bundle', () => {
  it('stays within its gzip budget and carries only zod/mini', async () => {
    const size = await measureKioskBundle();
    const heaviest = JSON.stringify(size.top);
    expect(size.gzip_bytes, heaviest).toBeLessThanOrEqual(MAX_GZIP_BYTES);
    expect(size.zod_bytes, heaviest).toBeLessThan(MAX_ZOD_BYTES);
  });
});
