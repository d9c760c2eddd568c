// GET /attachments/:id: a stored document, for those allowed to see its proposal. Always a
// download (never rendered inline), with its stored type and nosniff, never cached.
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requireProposalAccess } from "~/models/access.server";
import { getAttachment } from "~/models/attachments.server";
import { getDb } from "~/services/db.server";
import { requireUser } from "~/services/session.server";
import { getDocumentStore } from "~/services/document-store.server";
import { contentDisposition, downloadName } from "~/services/uploads.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not found", { status: 404 });
  const db = getDb();
  const attachment = await getAttachment(db, id);
  // The same answer for "does not exist" and "not yours", so ids cannot be probed.
  if (!attachment) throw new Response("Not found", { status: 404 });
  await requireProposalAccess(db, user, attachment.proposal_id, "downloadDocument", { hide: true });
  // Streamed from the document store (the upload directory or the database), its SHA-256 checked
  // on the way: bytes that are not the ones uploaded end the download with an error.
  const stream = await getDocumentStore().get(attachment.stored_name, {
    expectedSha256: attachment.sha256,
  });
  if (!stream) throw new Response("Not found", { status: 404 });
  return new Response(createReadableStreamFromReadable(stream), {
    status: 200,
    headers: {
      "Content-Type": attachment.mime_type,
      "Content-Length": String(attachment.size_bytes),
      "Content-Disposition": contentDisposition(
        downloadName(attachment.original_name, attachment.mime_type),
      ),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
