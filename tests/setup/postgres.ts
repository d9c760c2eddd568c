// PostgreSQL side of the integration project (docs/decisions/0019-postgresql.md): when
// TEST_DATABASE_URL names a server (npm run test:pg sets it), the run migrates one template
// database and every test file gets its own database made from it with CREATE DATABASE …
// TEMPLATE, as the SQLite side copies a template file.
import crypto from "node:crypto";
import pg from "pg";

/** The server the PostgreSQL run uses, or undefined for the SQLite run. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** The URL of database `name` on the same server, as the same role. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database name: letters, digits and underscores only, so it needs no quoting. */
export function freshDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
}

/** Runs statements on the server's maintenance connection (CREATE/DROP DATABASE cannot run in a transaction). */
export async function onServer(serverUrl: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops a test database (the scale-out tests' and the benchmark's drop: see it for why so). */
export { dropDatabase } from "../../scripts/scale-out.mjs";
