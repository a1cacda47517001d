// The shapes of what [facts] declares (declare.ts checks them): fact columns with their types and
// unknown sentinels, the source tables they join, and aggregate tables over them.
import type { Expr } from "./expression.ts";

/** The types a declared column may have. */
export type ExtraType =
  | { kind: "int" | "bigint" | "date" | "datetime" | "bool" }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "varchar"; length: number };

/** A source table joined for declared columns: LEFT JOIN table alias ON alias.key = references. */
export interface ExtraJoin {
  alias: string;
  table: string;
  key: string;
  references: { alias: string; column: string };
}

/**
 * Where a declared column's value comes from: an expression over ServerDB's tables, or a fact of
 * the node in PuppetDB (`puppetdb = "processors.count"`; src/puppetdb/ reads it).
 */
export type ExtraOrigin = { kind: "expression" } | { kind: "puppetdb"; path: string };

/** One declared fact column. `fallback` is the value for unknown (NULL or unusable); null only for dates. */
export interface ExtraColumn {
  name: string;
  type: ExtraType;
  /** The type as the config wrote it, canonical: "varchar(16)", "decimal(8,2)". */
  typeText: string;
  fallback: string | number | null;
  /**
   * What the extract SELECT reads: the declared expression, or NULL for a PuppetDB fact (so the
   * extract, its history pass and the source check need no case of their own: the column is
   * unknown, its default, until the PuppetDB values are merged in).
   */
  expression: Expr;
  /** The expression, or the fact path, as written (for messages and the docs). */
  source: string;
  origin: ExtraOrigin;
}

export interface FactExtras {
  columns: ExtraColumn[];
  joins: ExtraJoin[];
  /** [[facts.aggregates]]: tables of their own, built with the others. */
  aggregates: DeclaredAggregate[];
}


/** A dimension: a text column of server_facts (with its width) or a declared column. */
export type AggregateDimension = { name: string; base: { maxChars: number } } | { name: string; declared: ExtraColumn };

export interface DeclaredAggregate {
  table: string;
  /** In key order; `status` last unless listed. */
  dimensions: AggregateDimension[];
  /** Declared int, bigint, decimal or bool columns, summed. */
  measures: ExtraColumn[];
}

