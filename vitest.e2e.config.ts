import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Browser tests: Debian's Chromium driven by playwright-core against the built server, which
// tests/e2e/support/global-setup.ts starts on a free port with a fresh seeded database.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/e2e/**/*.e2e.ts"],
    globalSetup: ["tests/e2e/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
