// db/schema.ts as the TypeScript compiler sees it: for each table of the Database interface, each
// column's select type reduced to what SQLite can tell apart (text or number, nullable or not).
import path from "node:path";
import ts from "typescript";

export type ColumnKind = "text" | "number" | "other";
export interface DeclaredColumn {
  kinds: ColumnKind[];
  nullable: boolean;
}
export type DeclaredSchema = Record<string, Record<string, DeclaredColumn>>;

export function readDeclaredSchema(
  file = path.resolve(import.meta.dirname, "../../db/schema.ts"),
): DeclaredSchema {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    // Only the declared column types are asked for: no lib or @types to load (seconds saved).
    noLib: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const database = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "Database",
  );
  if (!database) throw new Error(`${file} has no Database interface`);

  const schema: DeclaredSchema = {};
  for (const table of checker.getTypeAtLocation(database).getProperties()) {
    const tableType = checker.getTypeOfSymbolAtLocation(table, database);
    const columns: Record<string, DeclaredColumn> = {};
    for (const column of tableType.getProperties()) {
      columns[column.name] = describe(selectType(checker, column, database));
    }
    schema[table.name] = columns;
  }
  return schema;
}

/** Kysely's Generated<T> and ColumnType<S, I, U> carry the select type in `__select__`. */
function selectType(checker: ts.TypeChecker, column: ts.Symbol, at: ts.Node): ts.Type {
  const type = checker.getTypeOfSymbolAtLocation(column, at);
  const select = type.getProperty("__select__");
  return select ? checker.getTypeOfSymbolAtLocation(select, at) : type;
}

function describe(type: ts.Type): DeclaredColumn {
  const parts = type.isUnion() ? type.types : [type];
  const kinds = new Set<ColumnKind>();
  let nullable = false;
  for (const part of parts) {
    const flags = part.getFlags();
    if (flags & ts.TypeFlags.Null) nullable = true;
    else if (flags & ts.TypeFlags.StringLike) kinds.add("text");
    else if (flags & ts.TypeFlags.NumberLike) kinds.add("number");
    else kinds.add("other");
  }
  return { kinds: [...kinds].sort(), nullable };
}
