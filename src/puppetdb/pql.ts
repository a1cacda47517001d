// The two PQL queries the client sends: the producer timestamps of the active nodes (factsets,
// without their facts) and exactly the mapped facts of the active nodes (inventory, one dotted
// field per fact, in certname order). Fact paths are checked names (fact-path.ts): no quoting needed.

/** The answer's key for a fact path. */
export const factField = (path: string) => `facts.${path}`;

/** certname and producer_timestamp of every active node; factsets carry the producer's own time, inventory only the time PuppetDB received it. */
export const TIMESTAMPS_PQL = 'factsets[certname, producer_timestamp] { node_state = "active" order by certname }';

/** certname and the given facts of every active node, in certname order (PuppetDB's collation). */
export function inventoryPql(paths: readonly string[]): string {
  return `inventory[${["certname", ...paths.map(factField)].join(", ")}] { node_state = "active" order by certname }`;
}
