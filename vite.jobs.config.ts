import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// The export process's own bundle (app/jobs/export-job.server.ts → build/jobs/export-job.js), built
// after the Remix build by `npm run build`: an export process loads this, not the whole server
// (docs/decisions/0028-exports-in-their-own-process.md). Packages stay external, as in the server
// build, and are loaded from node_modules, except the ES-module packages every export loads, which
// are bundled: Node resolves and reads each of their files apart (kysely alone is ~200 files).
export default defineConfig({
  plugins: [tsconfigPaths()],
  ssr: { noExternal: ["kysely", "zod"] },
  build: {
    ssr: "app/jobs/export-job.server.ts",
    outDir: "build/jobs",
    emptyOutDir: true,
    target: "node20",
    copyPublicDir: false,
    rollupOptions: {
      output: { entryFileNames: "export-job.js", format: "es" },
      // zod's sources carry /*@__PURE__*/ comments where Rollup cannot use them; it drops them and
      // says so for each one, which would bury any warning that matters.
      onwarn(warning, warn) {
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("/node_modules/zod/"))
          return;
        warn(warning);
      },
    },
  },
});
