// The expression a declared fact column is read with: a small, closed grammar (qualified column
// references, literals, arithmetic, comparisons, CASE and a few functions both engines share),
// parsed into a tree and rendered back as SQL with every identifier quoted and every literal a
// `?` placeholder. Anything else — a statement, a comment, a subquery, an unknown function, a bare
// name — is refused with one line naming it, so a config can never smuggle SQL into the extract.

/** A parsed expression: what it references and how to render it. */
export type Expr =
  | { kind: "ref"; alias: string; column: string }
  | { kind: "literal"; value: string | number }
  | { kind: "null" }
  | { kind: "unary"; op: "-" | "NOT"; arg: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr }
  | { kind: "is-null"; arg: Expr; negated: boolean }
  | { kind: "call"; fn: string; args: Expr[] }
  | { kind: "case"; whens: { when: Expr; then: Expr }[]; otherwise?: Expr };

/** Functions with the same meaning on MariaDB/MySQL and SQLite, and how many arguments each takes. */
export const EXPRESSION_FUNCTIONS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  COALESCE: [2, 8],
  NULLIF: [2, 2],
  UPPER: [1, 1],
  LOWER: [1, 1],
  TRIM: [1, 1],
  SUBSTR: [2, 3],
  ROUND: [1, 2],
  ABS: [1, 1],
};

const KEYWORDS = new Set(["AND", "OR", "NOT", "IS", "NULL", "CASE", "WHEN", "THEN", "ELSE", "END", "TRUE", "FALSE"]);
const COMPARISONS = new Set(["=", "<>", "!=", "<", "<=", ">", ">="]);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

type Token = { kind: "ident" | "number" | "string" | "op"; text: string; at: number };

/** Why an expression is refused; the caller adds which column it belongs to. */
export class ExpressionError extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith("--", i) || c === "#" || text.startsWith("/*", i)) throw new ExpressionError(`a comment (${JSON.stringify(text.slice(i, i + 2))}) is not allowed`);
    if (c === ";") throw new ExpressionError("';' is not allowed: an expression is one value, not a statement");
    if (c === "`" || c === '"') throw new ExpressionError(`quoted identifiers (${c}) are not allowed: write alias.column with plain names`);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: "ident", text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const number = /^\d+(?:\.\d+)?/.exec(text.slice(i));
    if (number) {
      if (/^[A-Za-z_]/.test(text.slice(i + number[0].length))) throw new ExpressionError(`${JSON.stringify(text.slice(i, i + number[0].length + 1))}… is not a number`);
      tokens.push({ kind: "number", text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    if (c === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new ExpressionError("a string literal is not closed (')");
        const d = text[j]!;
        if (d === "\\") throw new ExpressionError("backslashes are not allowed in string literals (the engines read them differently); write '' for a quote");
        if (d === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += d;
        j++;
      }
      tokens.push({ kind: "string", text: value, at: i });
      i = j + 1;
      continue;
    }
    const op = /^(<=|>=|<>|!=|[-+*/(),.=<>])/.exec(text.slice(i));
    if (op) {
      tokens.push({ kind: "op", text: op[0], at: i });
      i += op[0].length;
      continue;
    }
    throw new ExpressionError(`${JSON.stringify(c)} is not allowed (at character ${i + 1})`);
  }
  return tokens;
}

/** Parse `text`; throws ExpressionError with a one-line reason. */
export function parseExpression(text: string): Expr {
  if (text.trim() === "") throw new ExpressionError("the expression is empty");
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const upper = (t: Token | undefined) => (t?.kind === "ident" ? t.text.toUpperCase() : t?.text);
  const isWord = (w: string) => peek()?.kind === "ident" && upper(peek()) === w;
  const isOp = (o: string) => peek()?.kind === "op" && peek()!.text === o;
  const near = () => (peek() ? `near ${JSON.stringify(text.slice(peek()!.at, peek()!.at + 12))}` : "at its end");
  const expectOp = (o: string) => {
    if (!isOp(o)) throw new ExpressionError(`expected "${o}" ${near()}`);
    pos++;
  };
  const expectWord = (w: string) => {
    if (!isWord(w)) throw new ExpressionError(`expected ${w} ${near()}`);
    pos++;
  };

  const orExpr = (): Expr => {
    let left = andExpr();
    while (isWord("OR")) {
      pos++;
      left = { kind: "binary", op: "OR", left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): Expr => {
    let left = notExpr();
    while (isWord("AND")) {
      pos++;
      left = { kind: "binary", op: "AND", left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): Expr => {
    if (isWord("NOT")) {
      pos++;
      return { kind: "unary", op: "NOT", arg: notExpr() };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const left = additive();
    if (isWord("IS")) {
      pos++;
      const negated = isWord("NOT");
      if (negated) pos++;
      expectWord("NULL");
      return { kind: "is-null", arg: left, negated };
    }
    const t = peek();
    if (t?.kind === "op" && COMPARISONS.has(t.text)) {
      pos++;
      return { kind: "binary", op: t.text === "!=" ? "<>" : t.text, left, right: additive() };
    }
    return left;
  };
  const additive = (): Expr => {
    let left = multiplicative();
    while (isOp("+") || isOp("-")) {
      const op = tokens[pos++]!.text;
      left = { kind: "binary", op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): Expr => {
    let left = unary();
    for (;;) {
      if (isOp("/")) throw new ExpressionError("'/' is not allowed: MariaDB divides integers exactly and SQLite truncates, so the two warehouses would differ; store the value and divide in the query");
      if (!isOp("*")) return left;
      pos++;
      left = { kind: "binary", op: "*", left, right: unary() };
    }
  };
  const unary = (): Expr => {
    if (isOp("-")) {
      pos++;
      return { kind: "unary", op: "-", arg: unary() };
    }
    return primary();
  };
  const primary = (): Expr => {
    const t = peek();
    if (!t) throw new ExpressionError("the expression ends too early");
    if (t.kind === "number") {
      pos++;
      return { kind: "literal", value: Number(t.text) };
    }
    if (t.kind === "string") {
      pos++;
      return { kind: "literal", value: t.text };
    }
    if (t.kind === "op" && t.text === "(") {
      pos++;
      if (isWord("SELECT")) throw new ExpressionError("a subquery is not allowed: declare a [[facts.joins]] entry and reference its alias instead");
      const inner = orExpr();
      expectOp(")");
      return inner;
    }
    if (t.kind !== "ident") throw new ExpressionError(`unexpected "${t.text}" ${near()}`);
    const word = t.text.toUpperCase();
    if (word === "NULL") {
      pos++;
      return { kind: "null" };
    }
    if (word === "TRUE" || word === "FALSE") {
      pos++;
      return { kind: "literal", value: word === "TRUE" ? 1 : 0 };
    }
    if (word === "CASE") {
      pos++;
      const whens: { when: Expr; then: Expr }[] = [];
      while (isWord("WHEN")) {
        pos++;
        const when = orExpr();
        expectWord("THEN");
        whens.push({ when, then: orExpr() });
      }
      if (!whens.length) throw new ExpressionError("CASE needs at least one WHEN … THEN …");
      let otherwise: Expr | undefined;
      if (isWord("ELSE")) {
        pos++;
        otherwise = orExpr();
      }
      expectWord("END");
      return { kind: "case", whens, otherwise };
    }
    if (KEYWORDS.has(word)) throw new ExpressionError(`unexpected ${word} ${near()}`);
    pos++;
    if (isOp("(")) {
      const limits = EXPRESSION_FUNCTIONS[word];
      if (!limits) throw new ExpressionError(`the function ${t.text} is not allowed; the functions are ${Object.keys(EXPRESSION_FUNCTIONS).join(", ")}`);
      pos++;
      const args: Expr[] = [];
      if (!isOp(")")) {
        args.push(orExpr());
        while (isOp(",")) {
          pos++;
          args.push(orExpr());
        }
      }
      expectOp(")");
      if (args.length < limits[0] || args.length > limits[1]) {
        throw new ExpressionError(`${word} takes ${limits[0] === limits[1] ? limits[0] : `${limits[0]} to ${limits[1]}`} arguments, not ${args.length}`);
      }
      return { kind: "call", fn: word, args };
    }
    if (!isOp(".")) throw new ExpressionError(`${JSON.stringify(t.text)} is not a column reference: write alias.column (e.g. s.${t.text})`);
    pos++;
    const column = peek();
    if (column?.kind !== "ident" || !IDENT.test(column.text)) throw new ExpressionError(`expected a column name after "${t.text}." ${near()}`);
    pos++;
    if (!IDENT.test(t.text)) throw new ExpressionError(`${JSON.stringify(t.text)} is not an alias`);
    return { kind: "ref", alias: t.text.toLowerCase(), column: column.text };
  };

  const expr = orExpr();
  if (pos < tokens.length) throw new ExpressionError(`unexpected "${tokens[pos]!.text}" ${near()}`);
  return expr;
}

/** Every column reference in the tree, in reading order. */
export function references(expr: Expr): { alias: string; column: string }[] {
  switch (expr.kind) {
    case "ref":
      return [{ alias: expr.alias, column: expr.column }];
    case "literal":
    case "null":
      return [];
    case "unary":
    case "is-null":
      return references(expr.arg);
    case "binary":
      return [...references(expr.left), ...references(expr.right)];
    case "call":
      return expr.args.flatMap(references);
    case "case":
      return [...expr.whens.flatMap((w) => [...references(w.when), ...references(w.then)]), ...(expr.otherwise ? references(expr.otherwise) : [])];
  }
}

/**
 * The tree as SQL: references through `alias` (which may rename an alias, as the backfill does),
 * backtick-quoted (both engines read backticks); literals appended to `params` as `?`.
 */
export function renderExpression(expr: Expr, params: unknown[], alias: (ref: { alias: string; column: string }) => string = (r) => r.alias): string {
  const r = (e: Expr): string => {
    switch (e.kind) {
      case "ref":
        return `\`${alias(e)}\`.\`${e.column}\``;
      case "literal":
        params.push(e.value);
        return "?";
      case "null":
        return "NULL";
      case "unary":
        return e.op === "NOT" ? `(NOT ${r(e.arg)})` : `(-${r(e.arg)})`;
      case "binary":
        return `(${r(e.left)} ${e.op} ${r(e.right)})`;
      case "is-null":
        return `(${r(e.arg)} IS ${e.negated ? "NOT " : ""}NULL)`;
      case "call":
        return `${e.fn}(${e.args.map(r).join(", ")})`;
      case "case":
        return `(CASE ${e.whens.map((w) => `WHEN ${r(w.when)} THEN ${r(w.then)}`).join(" ")}${e.otherwise ? ` ELSE ${r(e.otherwise)}` : ""} END)`;
    }
  };
  return r(expr);
}
