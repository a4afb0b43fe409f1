import { BlockList, isIP } from "node:net";

/**
 * "public" addresses are looked up; the others are labelled for what they are (a login from the
 * office network or from the machine itself has no place to guess), "unknown" when there is no IP.
 */
export type IpKind = "public" | "private" | "loopback" | "reserved" | "unknown";

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const privateNets = new BlockList();
for (const [net, prefix] of [
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  privateNets.addSubnet(net, prefix, "ipv4");
privateNets.addSubnet("fc00::", 7, "ipv6"); // unique local
privateNets.addSubnet("fe80::", 10, "ipv6"); // link-local

const reserved = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  reserved.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["100::", 64],
  ["2001:db8::", 32],
  ["ff00::", 8],
] as const)
  reserved.addSubnet(net, prefix, "ipv6");

/** The address an IPv4-mapped IPv6 one (::ffff:1.2.3.4, as Node reports IPv4 peers on dual-stack sockets) names. */
export function unmapped(ip: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return match ? match[1] : ip;
}

/** The kind of an IP literal, and the address to look it up by (IPv4-mapped forms unwrapped). */
export function addressKind(ip: string): { kind: IpKind; address: string } {
  const address = unmapped(ip);
  const family = isIP(address);
  if (!family) return { kind: "unknown", address };
  const type = family === 4 ? "ipv4" : "ipv6";
  if (loopback.check(address, type)) return { kind: "loopback", address };
  if (privateNets.check(address, type)) return { kind: "private", address };
  if (reserved.check(address, type)) return { kind: "reserved", address };
  return { kind: "public", address };
}
