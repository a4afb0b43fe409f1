import { isIP } from "node:net";
import { blockListOf, LOOPBACK, PRIVATE, RESERVED } from "../net/addressRanges.js";

/**
 * "public" addresses are looked up; the others are labelled for what they are (a login from the
 * office network or from the machine itself has no place to guess), "unknown" when there is no IP.
 */
export type IpKind = "public" | "private" | "loopback" | "reserved" | "unknown";

const loopback = blockListOf(LOOPBACK);
const privateNets = blockListOf(PRIVATE);
const reserved = blockListOf(RESERVED);

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
