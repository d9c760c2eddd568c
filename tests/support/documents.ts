// What the document store holds, read the way the portal reads it (the upload directory on the
// SQLite run, the database on the PostgreSQL run), for tests that check stored bytes.
import { getDocumentStore } from "~/services/document-store.server";

/** A stored document's bytes, or null when the store has no such document. */
export async function readStoredDocument(key: string): Promise<Buffer | null> {
  const stream = await getDocumentStore().get(key);
  if (!stream) return null;
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export async function isStored(key: string): Promise<boolean> {
  return getDocumentStore().exists(key);
}

/** The keys of every complete stored document. */
export async function storedKeys(): Promise<Set<string>> {
  return new Set(await getDocumentStore().keys());
}

/** Documents begun and never finished nor abandoned cleanly (partial uploads left behind). */
export async function incompleteDocuments(): Promise<string[]> {
  return getDocumentStore().incomplete();
}
