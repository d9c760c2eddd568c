// Runs before every unit test file: no database. A unit test that needs one belongs in
// tests/integration; DATABASE_PATH points nowhere usable so that a stray getDb() fails loudly.
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_PATH: "/nonexistent/unit-tests-have-no-database/portal.db",
  UPLOAD_DIR: "/nonexistent/unit-tests-have-no-uploads",
  SESSION_SECRET: "test-secret-test-secret-test-secret-0123456789",
  SMTP_URL: "",
  SEED_DEMO: "off",
});

// Mail templates and PDFs look messages up in the registered dictionaries.
await import("~/i18n/catalog.server");

export {};
