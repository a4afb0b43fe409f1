import { isIP } from "node:net";
import { blockListOf, LOOPBACK, PRIVATE, RESERVED } from "./addressRanges.js";

/**
 * The addresses an outgoing fetch of a user-given URL may never reach (calendar feeds): loopback,
 * "this network", private (RFC 1918, CGNAT, IPv6 ULA), link-local (cloud metadata services live at
 * 169.254.169.254 and fd00:ec2::254), benchmarking, documentation, multicast and reserved ranges,
 * and their IPv4-mapped and NAT64 forms. Loopback alone can be allowed (tests).
 */
const refused = blockListOf(PRIVATE, RESERVED);
const loopback = blockListOf(LOOPBACK);

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) as the IPv4 address it names, else null. */
function mappedIpv4(address: string): string | null {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1] : null;
}

/** Why `address` (an IP literal) may not be fetched from, or null when it may. */
export function refusedAddressReason(address: string, options: { allowLoopback: boolean }): string | null {
  const family = isIP(address);
  if (!family) return "not an IP address";
  const v4 = family === 6 ? mappedIpv4(address) : address;
  const [ip, type] = v4 ? [v4, "ipv4" as const] : [address, "ipv6" as const];
  if (loopback.check(ip, type)) return options.allowLoopback ? null : "a loopback address";
  if (refused.check(ip, type)) return "a private, link-local or reserved address";
  return null;
}
