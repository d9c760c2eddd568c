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
    // Generous: every wait inside a test is on a condition, and a journey on a busy 2-core machine
    // has taken minutes; a timeout is only the last guard against a hang.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
