// The scale-out layout of issue 16 for tests and the benchmark (docs/decisions/0025-scale-out-tests.md):
// a fresh database on the local PostgreSQL cluster, several built app servers on it, and Debian's
// nginx in front of them, round-robin, as a process of our own (a generated config in a temp
// directory, `daemon off`, free ports, stopped by its PID). Plain Node: scripts/crash-test.mjs,
// bench/run.mjs and the scale-out browser test (tests/e2e-pg/) share it.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import process from "node:process";
import crypto from "node:crypto";
import pg from "pg";

/** The local cluster's test role (scripts/test-pg.mjs makes it); TEST_DATABASE_URL overrides. */
export const LOCAL_POSTGRES = "postgres://cda_test:cda_test@127.0.0.1:5432/postgres";

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

function run(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ["ignore", "pipe", "inherit"], ...options })
    .toString()
    .trim();
}

const isRoot = () => process.getuid?.() === 0;

/** pg_lsclusters' rows: version, name, port, status, … */
function listClusters() {
  if (!fs.existsSync("/usr/bin/pg_lsclusters")) return [];
  return run("pg_lsclusters", ["--no-header"])
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
}

/**
 * Makes the local PostgreSQL 15 cluster usable: installed with apt-get when missing and started
 * when down (as root, as on CI), with the test role made on first use. Returns the server URL
 * (TEST_DATABASE_URL when set), or throws with the command to run when it cannot.
 * `install: false` only checks: the benchmark uses PostgreSQL when it is there, never installs it.
 */
export function preparePostgres({ install = true } = {}) {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (listClusters().length === 0) {
    if (!install || !isRoot())
      throw new Error(
        "PostgreSQL is not installed: run `apt-get install -y postgresql` as root, or set TEST_DATABASE_URL.",
      );
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  const [version, name, , status] = listClusters()[0];
  if (status !== "online") {
    if (!install || !isRoot())
      throw new Error(
        `PostgreSQL ${version}/${name} is down: run \`pg_ctlcluster ${version} ${name} start\` as root.`,
      );
    run("pg_ctlcluster", [version, name, "start"]);
  }
  if (isRoot()) {
    const asPostgres = (sql) =>
      run("su", ["postgres", "-c", `psql -qAtX -v ON_ERROR_STOP=1 -c "${sql}"`]);
    if (asPostgres("select 1 from pg_roles where rolname = 'cda_test'") !== "1")
      asPostgres("create role cda_test login password 'cda_test' createdb");
  }
  return LOCAL_POSTGRES;
}

/** Whether the local cluster (or TEST_DATABASE_URL) answers now, without installing or starting anything. */
export async function postgresAvailable() {
  let url;
  try {
    url = preparePostgres({ install: false });
  } catch {
    return null;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL of database `name` on the same server, as the same role. */
export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(serverUrl, ...statements) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Drops database `name`, first ending the sessions this role still has in it (a killed server's
 * or a test file's leftover pool). Only this role's: an autovacuum worker in the database is a
 * session no ordinary role may signal, so ending every session (or `drop … with (force)`) failed
 * with 42501 whenever autovacuum was there (CI's test:pg once, a benchmark run at its very end);
 * a plain DROP ends autovacuum by itself and waits a few seconds for the ended sessions to go.
 */
export async function dropDatabase(serverUrl, name) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = $1 and usename = current_user and pid <> pg_backend_pid()`,
      [name],
    );
    await client.query(`drop database if exists ${name}`);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database on the server (the app migrates it as it starts). Returns its URL and
 * `drop()` (dropDatabase: a killed server leaves connections behind).
 */
export async function freshDatabase(serverUrl, prefix) {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await onServer(serverUrl, `create database ${name}`);
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: () => dropDatabase(serverUrl, name),
  };
}

/** nginx from Debian: installed with apt-get when missing (as root), as chromium is for npm test. */
export function nginxBinary({ install = true } = {}) {
  for (const candidate of [process.env.NGINX_PATH, "/usr/sbin/nginx", "/usr/bin/nginx"])
    if (candidate && fs.existsSync(candidate)) return candidate;
  if (!install || !isRoot())
    throw new Error(
      "nginx is missing: run `apt-get install -y nginx` as root (or set NGINX_PATH).",
    );
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "nginx"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return "/usr/sbin/nginx";
}

/**
 * Starts nginx in front of `upstreams` (["127.0.0.1:port", …]) on `port`, round-robin, with a
 * generated config in `dir`. Each answer carries `X-Upstream: <the server's address>`, so a test
 * can see which server answered. Resolves when nginx answers on its port; `stop()` ends it by PID.
 */
export async function startNginx({ dir, port, upstreams, binary = nginxBinary() }) {
  fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  const tmp = (name) => path.join(dir, name);
  fs.writeFileSync(
    conf,
    `# Generated by scripts/scale-out.mjs: two (or more) app servers behind one address.
worker_processes 1;
daemon off;
${isRoot() ? "# As root (CI), the worker stays root: it writes request bodies under this private temp dir.\nuser root root;" : ""}
pid ${tmp("nginx.pid")};
error_log ${tmp("logs/error.log")} warn;
events { worker_connections 1024; }
http {
  access_log ${tmp("logs/access.log")};
  client_body_temp_path ${tmp("client_body")};
  proxy_temp_path ${tmp("proxy")};
  fastcgi_temp_path ${tmp("fastcgi")};
  uwsgi_temp_path ${tmp("uwsgi")};
  scgi_temp_path ${tmp("scgi")};
  client_max_body_size 60m;
  upstream portal {
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join("\n")}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A POST is not retried on the next server (nginx's default): a submission is never sent twice.
      proxy_next_upstream error timeout;
      proxy_buffering off;
      proxy_read_timeout 300s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  const out = fs.openSync(path.join(dir, "logs/nginx.out"), "a");
  const child = spawn(binary, ["-p", dir, "-c", conf], { stdio: ["ignore", out, out] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `nginx exited with ${child.exitCode}: ${fs.readFileSync(path.join(dir, "logs/nginx.out"), "utf8")}`,
      );
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error("nginx did not listen within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        child.once("exit", () => resolve(undefined));
        // QUIT: nginx's graceful stop; its worker exits with it.
        child.kill("SIGQUIT");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}
