// The key a node's certname gives for finding its server, by the declared rule: the certname
// itself, the certname without ".<domain>", or the node's serial-number fact. Pure.
import { SERIAL_FACT, type MatchRule } from "./declare.ts";

/** The match key of one node, or undefined when the rule gives it none (outside the domain, no usable serial). */
export function matchKey(rule: MatchRule, certname: string, facts: ReadonlyMap<string, unknown>): string | undefined {
  switch (rule.rule) {
    case "name":
      return certname;
    case "fqdn": {
      // Certnames are lower case by Puppet's rules; the domain was lowered by the config check.
      const suffix = `.${rule.domain}`;
      if (!certname.toLowerCase().endsWith(suffix) || certname.length === suffix.length) return undefined;
      return certname.slice(0, -suffix.length);
    }
    case "serial": {
      const serial = facts.get(SERIAL_FACT);
      return typeof serial === "string" && serial.trim() !== "" ? serial.trim() : undefined;
    }
  }
}
