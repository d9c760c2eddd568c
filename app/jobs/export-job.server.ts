// The process of one board export (docs/decisions/0028-exports-in-their-own-process.md): started
// by a serving process for each CSV, XLSX or PDF export (app/services/exports/job-process.server.ts),
// it takes the job from its IPC channel, writes the file to fd 4 and exits, giving back every byte
// the export took. Built on its own (vite.jobs.config.ts → build/jobs/export-job.js) so that it
// loads only what an export needs, not the whole server.
import "~/i18n/catalog.server";
import { runBoardExport, type BoardExportJob } from "~/models/exports/board-export.server";
import { serveJobProcess } from "~/services/exports/job-process.server";

await serveJobProcess((job) => runBoardExport(job as BoardExportJob));
