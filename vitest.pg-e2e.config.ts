import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// The scale-out browser test (issue 16): two built servers on one PostgreSQL database behind
// nginx, which tests/e2e-pg/global-setup.ts starts. `npm run test:pg:e2e` runs it.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/e2e-pg/**/*.e2e.ts"],
    globalSetup: ["tests/e2e-pg/global-setup.ts"],
    fileParallelism: false,
    // Only guards against a hang: every wait inside the test is on a condition.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
