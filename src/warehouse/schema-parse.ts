// Parses our own DDL files (sql/mysql/create_*.sql) into TableSchemas: the one source of truth
// for what `init` creates and what it expects to find. It reads only the subset we write and
// rejects anything else (any statement but CREATE TABLE IF NOT EXISTS, unknown attributes), so
// a DDL edit it cannot compare fails the unit tests instead of passing unchecked.
import {
  canonicalDefault,
  isTextType,
  nameKey,
  normalizeType,
  type ColumnDefault,
  type ColumnSchema,
  type IndexSchema,
  type TableSchema,
} from "./schema-model.ts";

export interface ParsedTable {
  schema: TableSchema;
  /** The CREATE TABLE IF NOT EXISTS statement as written (inner comments kept, no `;`). */
  sql: string;
}

type TokenKind = "word" | "ident" | "string" | "number" | "punct";
interface Token {
  kind: TokenKind;
  /** Words and quoted identifiers as written (unquoted); strings unescaped. */
  text: string;
  start: number;
}

/** Every CREATE TABLE statement of a DDL file, in file order. `file` names it in errors. */
export function parseDdl(text: string, file = "DDL"): ParsedTable[] {
  const tokens = tokenize(text, file);
  const tables: ParsedTable[] = [];
  let from = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const end = i === tokens.length || (tokens[i].kind === "punct" && tokens[i].text === ";");
    if (!end) continue;
    if (i > from) {
      const stmt = tokens.slice(from, i);
      const stop = i < tokens.length ? tokens[i].start : text.length;
      const schema = new StatementParser(stmt, text, file).createTable();
      tables.push({ schema, sql: text.slice(stmt[0].start, stop).trimEnd() });
    }
    from = i + 1;
  }
  if (!tables.length) throw new Error(`${file}: no CREATE TABLE statement found`);
  return tables;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${file}:${lineOf(text, i)}: ${what}`);
  };
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i, i + 3);
    if (/\s/.test(c)) {
      i++;
    } else if (/^--(\s|$)/.test(rest) || c === "#") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (rest.startsWith("/*")) {
      if (rest === "/*!") fail("versioned comments (/*! ... */) are not supported here");
      const close = text.indexOf("*/", i + 2);
      if (close < 0) fail("unterminated /* comment");
      i = close + 2;
    } else if (c === "'") {
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= text.length) fail("unterminated string literal");
        if (text[j] === "\\") fail("backslash escapes are not supported in DDL literals; double a quote as ''");
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      tokens.push({ kind: "string", text: value, start: i });
      i = j + 1;
    } else if (c === "`") {
      const close = text.indexOf("`", i + 1);
      if (close < 0) fail("unterminated `identifier`");
      tokens.push({ kind: "ident", text: text.slice(i + 1, close), start: i });
      i = close + 1;
    } else if (/[-+.\d]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)/.test(text.slice(i))) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)/.exec(text.slice(i))!;
      // A digit run followed by letters is a word (MySQL names may start with digits).
      if (/^\d/.test(c) && /[A-Za-z_$]/.test(text[i + m[0].length] ?? "")) {
        const w = /^[A-Za-z0-9_$]+/.exec(text.slice(i))![0];
        tokens.push({ kind: "word", text: w, start: i });
        i += w.length;
      } else {
        tokens.push({ kind: "number", text: m[0], start: i });
        i += m[0].length;
      }
    } else if (/[A-Za-z_$]/.test(c)) {
      const w = /^[A-Za-z0-9_$]+/.exec(text.slice(i))![0];
      tokens.push({ kind: "word", text: w, start: i });
      i += w.length;
    } else if ("(),;=.".includes(c)) {
      tokens.push({ kind: "punct", text: c, start: i });
      i++;
    } else {
      fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

/** Keywords that end a column's type and start its attributes. */
const ATTRIBUTE_WORDS = new Set(["NOT", "NULL", "DEFAULT", "AUTO_INCREMENT", "CHARACTER", "CHARSET", "COLLATE", "PRIMARY", "UNIQUE", "KEY"]);

class StatementParser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly file: string,
  ) {}

  private fail(what: string): never {
    const t = this.tokens[Math.min(this.pos, this.tokens.length - 1)];
    const near = this.pos < this.tokens.length ? ` near ${JSON.stringify(t.text)}` : " at the end of the statement";
    throw new Error(`${this.file}:${lineOf(this.text, t.start)}: ${what}${near}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text.toUpperCase() === word;
  }

  private isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === "punct" && t.text === p;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.pos++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`expected ${word}`);
  }

  private expectPunct(p: string): void {
    if (!this.isPunct(p)) this.fail(`expected "${p}"`);
    this.pos++;
  }

  private name(what: string): string {
    const t = this.peek();
    if (!t || (t.kind !== "word" && t.kind !== "ident")) this.fail(`expected ${what}`);
    this.pos++;
    return t!.text;
  }

  createTable(): TableSchema {
    for (const w of ["CREATE", "TABLE", "IF", "NOT", "EXISTS"]) {
      if (!this.acceptWord(w)) this.fail("only CREATE TABLE IF NOT EXISTS statements belong in a warehouse DDL file");
    }
    const name = this.name("a table name");
    if (this.isPunct(".")) this.fail("table names are unqualified (the DSN's database is the warehouse)");
    this.expectPunct("(");
    const columns: ColumnSchema[] = [];
    const indexes: IndexSchema[] = [];
    let primaryKey: string[] | undefined;
    for (;;) {
      if (this.isWord("PRIMARY")) {
        this.pos++;
        this.expectWord("KEY");
        if (primaryKey) this.fail("a second PRIMARY KEY");
        primaryKey = this.keyParts();
      } else if (this.isWord("KEY") || this.isWord("INDEX") || this.isWord("UNIQUE")) {
        const unique = this.acceptWord("UNIQUE");
        if (!this.acceptWord("KEY") && !this.acceptWord("INDEX") && !unique) this.fail("expected KEY");
        const indexName = this.name("a key name (name every key: init compares keys by name)");
        indexes.push({ name: indexName, columns: this.keyParts(), unique });
      } else {
        columns.push(this.column());
      }
      if (this.isPunct(",")) {
        this.pos++;
        continue;
      }
      this.expectPunct(")");
      break;
    }
    const options = this.tableOptions();
    if (!options.engine) this.fail("the table options must name the ENGINE");
    if (!options.collation) this.fail("the table options must name the COLLATE (a server's default collation varies)");
    const pk = primaryKey ?? [];
    for (const col of columns) {
      if (col.collation === undefined && isTextType(col.type)) col.collation = options.collation;
      // The server makes primary key columns NOT NULL whatever the DDL says.
      if (pk.some((k) => nameKey(k) === nameKey(col.name)) && col.nullable) {
        col.nullable = false;
        if (col.default.kind === "null") col.default = { kind: "none" };
      }
    }
    this.checkNames(name, columns, pk, indexes);
    if (options.partitionedBy && !columns.some((c) => nameKey(c.name) === nameKey(options.partitionedBy!))) {
      throw new Error(`${this.file}: ${name}: partitioned by unknown column ${options.partitionedBy}`);
    }
    return {
      name,
      columns,
      primaryKey: pk,
      indexes,
      engine: options.engine,
      collation: options.collation,
      ...(options.partitionedBy ? { partitionedBy: options.partitionedBy } : {}),
    };
  }

  /** `(a, b(10))` → ["a", "b(10)"]. */
  private keyParts(): string[] {
    this.expectPunct("(");
    const parts: string[] = [];
    for (;;) {
      let part = this.name("a column name");
      if (this.isPunct("(")) {
        this.pos++;
        const len = this.peek();
        if (len?.kind !== "number") this.fail("expected a prefix length");
        this.pos++;
        this.expectPunct(")");
        part += `(${len!.text})`;
      }
      if (this.isWord("ASC") || this.isWord("DESC")) this.fail("ASC/DESC key parts are not supported");
      parts.push(part);
      if (this.isPunct(",")) {
        this.pos++;
        continue;
      }
      this.expectPunct(")");
      return parts;
    }
  }

  private column(): ColumnSchema {
    const name = this.name("a column name");
    const type = this.columnType();
    let nullable: boolean | undefined;
    let def: ColumnDefault | undefined;
    let autoIncrement = false;
    let charset: string | undefined;
    let collation: string | undefined;
    while (this.peek() && !this.isPunct(",") && !this.isPunct(")")) {
      if (this.acceptWord("NOT")) {
        this.expectWord("NULL");
        nullable = false;
      } else if (this.acceptWord("NULL")) {
        nullable = true;
      } else if (this.acceptWord("DEFAULT")) {
        def = this.defaultValue(type);
      } else if (this.acceptWord("AUTO_INCREMENT")) {
        autoIncrement = true;
      } else if (this.isWord("CHARACTER") || this.isWord("CHARSET")) {
        if (this.acceptWord("CHARACTER")) this.expectWord("SET");
        else this.pos++; // CHARSET
        charset = this.name("a character set");
      } else if (this.acceptWord("COLLATE")) {
        collation = this.name("a collation");
      } else {
        this.fail(`unsupported column attribute (supported: NULL, NOT NULL, DEFAULT, AUTO_INCREMENT, CHARACTER SET, COLLATE)`);
      }
    }
    if (charset && !collation) this.fail(`column ${name}: give COLLATE with CHARACTER SET (a charset's default collation varies by server)`);
    if ((charset || collation) && !isTextType(type)) this.fail(`column ${name}: COLLATE on a non-text column`);
    const isNullable = nullable ?? true;
    const columnDefault: ColumnDefault = def ?? (isNullable && !autoIncrement ? { kind: "null" } : { kind: "none" });
    if (columnDefault.kind === "null" && !isNullable) this.fail(`column ${name}: DEFAULT NULL on a NOT NULL column`);
    return { name, type, nullable: isNullable, default: columnDefault, autoIncrement, collation };
  }

  /** `bigint unsigned`, `varchar(128)`, `decimal(8,3)` → canonical spelling. */
  private columnType(): string {
    const base = this.peek();
    if (base?.kind !== "word" || ATTRIBUTE_WORDS.has(base.text.toUpperCase())) this.fail("expected a column type");
    this.pos++;
    let text = base!.text;
    if (this.isPunct("(")) {
      this.pos++;
      const args: string[] = [];
      while (!this.isPunct(")")) {
        const t = this.peek();
        if (!t) this.fail("unterminated type arguments");
        if (t!.kind === "number") args.push(t!.text);
        else if (t!.kind === "string") args.push(`'${t!.text.replace(/'/g, "''")}'`);
        else if (!(t!.kind === "punct" && t!.text === ",")) this.fail("unexpected token in type arguments");
        this.pos++;
      }
      this.pos++;
      text += `(${args.join(",")})`;
    }
    while (this.isWord("UNSIGNED") || this.isWord("ZEROFILL") || this.isWord("SIGNED")) text += " " + this.tokens[this.pos++].text;
    return normalizeType(text.replace(/ signed$/i, ""));
  }

  private defaultValue(type: string): ColumnDefault {
    const t = this.peek();
    if (!t) this.fail("expected a DEFAULT value");
    this.pos++;
    if (t!.kind === "string" || t!.kind === "number") return { kind: "value", value: canonicalDefault(type, t!.text) };
    if (t!.kind === "word" && t!.text.toUpperCase() === "NULL") return { kind: "null" };
    this.pos--;
    return this.fail("DEFAULT must be a string, a number or NULL");
  }

  private tableOptions(): { engine?: string; collation?: string; partitionedBy?: string } {
    const out: { engine?: string; collation?: string; charset?: string; partitionedBy?: string } = {};
    while (this.peek()) {
      if (this.acceptWord("PARTITION")) {
        out.partitionedBy = this.partitioning();
        if (this.peek()) this.fail("the PARTITION BY clause must come last");
        break;
      }
      this.acceptWord("DEFAULT");
      if (this.acceptWord("ENGINE")) {
        this.acceptEquals();
        out.engine = this.name("an engine");
      } else if (this.acceptWord("CHARSET") || this.acceptWord("CHARACTER")) {
        if (this.tokens[this.pos - 1].text.toUpperCase() === "CHARACTER") this.expectWord("SET");
        this.acceptEquals();
        out.charset = this.name("a character set");
      } else if (this.acceptWord("COLLATE")) {
        this.acceptEquals();
        out.collation = this.name("a collation");
      } else {
        this.fail("unsupported table option (supported: ENGINE, DEFAULT CHARSET, COLLATE, PARTITION BY LIST COLUMNS)");
      }
    }
    if (out.charset && out.collation && !out.collation.toLowerCase().startsWith(out.charset.toLowerCase() + "_")) {
      this.fail(`COLLATE ${out.collation} does not belong to CHARSET ${out.charset}`);
    }
    return out;
  }

  /**
   * `BY LIST COLUMNS (col) (PARTITION … , …)` after PARTITION: the column, one partition per
   * value of which the runs add and drop. The partitions listed are skipped: they are data.
   */
  private partitioning(): string {
    for (const w of ["BY", "LIST", "COLUMNS"]) if (!this.acceptWord(w)) this.fail("only PARTITION BY LIST COLUMNS (column) is supported");
    this.expectPunct("(");
    const column = this.name("the partitioning column");
    this.expectPunct(")");
    this.expectPunct("(");
    for (let depth = 1; depth > 0; this.pos++) {
      if (!this.peek()) this.fail("unclosed partition list");
      if (this.isPunct("(")) depth++;
      else if (this.isPunct(")")) depth--;
    }
    return column;
  }

  private acceptEquals(): void {
    if (this.isPunct("=")) this.pos++;
  }

  private checkNames(table: string, columns: ColumnSchema[], pk: string[], indexes: IndexSchema[]): void {
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(nameKey(c.name))) throw new Error(`${this.file}: ${table}: column ${c.name} declared twice`);
      seen.add(nameKey(c.name));
    }
    const keyNames = new Set<string>();
    for (const idx of indexes) {
      if (keyNames.has(nameKey(idx.name))) throw new Error(`${this.file}: ${table}: key ${idx.name} declared twice`);
      keyNames.add(nameKey(idx.name));
    }
    for (const part of [...pk, ...indexes.flatMap((i) => i.columns)]) {
      const col = part.replace(/\(\d+\)$/, "");
      if (!seen.has(nameKey(col))) throw new Error(`${this.file}: ${table}: key on unknown column ${col}`);
    }
  }
}
