// The nodes to wait on when the target is a Galera node and no --replica is given: the other
// addresses of its wsrep_incoming_addresses, reached with the target DSN's account. Says at INFO
// which nodes were found, or why none (then the run waits on nothing, as without replicas).
import type { Db } from "../engine/db.ts";
import { describeEndpoint, endpointAt, hostPort, type Endpoint } from "../settings/dsn.ts";
import { logger } from "../log.ts";
import { readClusterAddresses } from "./measure.ts";
import { plural } from "../words.ts";

const log = logger("replica");

/** The other nodes of the target's cluster; [] when the target is no cluster node, or none is listed. */
export async function discoverClusterNodes(target: Db, targetEp: Endpoint): Promise<Endpoint[]> {
  if (!target.caps.clusterNode) return [];
  const { addresses, all, why } = await readClusterAddresses(target, hostPort(targetEp) ?? "");
  if (why) {
    log.info(`${target.label} is a Galera node; no other node to wait on: ${why} (give them with --replica)`);
    return [];
  }
  const nodes: Endpoint[] = [];
  const unusable: string[] = [];
  for (const a of addresses) {
    const ep = endpointAt(targetEp, a);
    if (ep) nodes.push(ep);
    else unusable.push(a);
  }
  if (unusable.length) log.warn(`wsrep_incoming_addresses (${all}): not host:port, so not waited on: ${unusable.join(", ")}; give such nodes with --replica`);
  if (nodes.length) {
    log.info(
      `${target.label} is a Galera node: waiting after every batch on the ${plural(nodes.length, "other node")} of its wsrep_incoming_addresses: ` +
        nodes.map((n) => describeEndpoint(n)).join(", "),
    );
  }
  return nodes;
}
