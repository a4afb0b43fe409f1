import { BlockList, isIP } from "node:net";

/**
 * The addresses an outgoing fetch of a user-given URL may never reach (calendar feeds): loopback,
 * "this network", private (RFC 1918, CGNAT, IPv6 ULA), link-local (cloud metadata services live at
 * 169.254.169.254 and fd00:ec2::254), benchmarking, documentation, multicast and reserved ranges,
 * and their IPv4-mapped and NAT64 forms. Loopback alone can be allowed (tests).
 */
const refused = new BlockList();
const loopback = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  refused.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  refused.addSubnet(net, prefix, "ipv6");
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

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
