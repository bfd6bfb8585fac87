import { defineConfig } from 'vitest/config';

// Two projects: `unit` (no browser; `npm test`) and `browser` (headless Chromium walk; `npm run test:browser`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'node_modules/**'],
          environment: 'node',
          // Servers started by tests log nothing unless a test passes its own logger, and keep their
          // records in an in-memory database unless a test names a STATE_DIR.
          env: { LOG_LEVEL: 'silent', STATE_DIR: ':memory:' },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          env: { LOG_LEVEL: 'silent', STATE_DIR: ':memory:' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
