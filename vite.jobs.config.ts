import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// The export process's own bundle (app/jobs/export-job.server.ts → build/jobs/export-job.js), built
// after the Remix build by `npm run build`: an export process loads this, not the whole server
// (docs/decisions/0028-exports-in-their-own-process.md). Packages stay external, as in the server
// build, and are loaded from node_modules.
export default defineConfig({
  plugins: [tsconfigPaths()],
  build: {
    ssr: "app/jobs/export-job.server.ts",
    outDir: "build/jobs",
    emptyOutDir: true,
    target: "node20",
    copyPublicDir: false,
    rollupOptions: { output: { entryFileNames: "export-job.js", format: "es" } },
  },
});
