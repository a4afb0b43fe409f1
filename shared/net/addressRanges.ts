import { BlockList } from "node:net";

/**
 * The special-purpose address ranges (IANA's IPv4 and IPv6 special-purpose registries), in one place:
 * the GeoIP labels (shared/geoip/addressKind.ts) and the outgoing-fetch guard (safeAddress.ts) are
 * both built from these lists, so the two never disagree on what is private or reserved.
 */
type Range = readonly [network: string, prefix: number];

export const LOOPBACK: { ipv4: readonly Range[]; ipv6: readonly Range[] } = {
  ipv4: [["127.0.0.0", 8]],
  ipv6: [["::1", 128]],
};

/** Networks of a site or a provider: RFC 1918, carrier-grade NAT, link-local, unique and site local. */
export const PRIVATE: { ipv4: readonly Range[]; ipv6: readonly Range[] } = {
  ipv4: [
    ["10.0.0.0", 8],
    ["100.64.0.0", 10], // carrier-grade NAT
    ["169.254.0.0", 16], // link-local (cloud metadata services live at 169.254.169.254)
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
  ],
  ipv6: [
    ["fc00::", 7], // unique local (fd00:ec2::254 is a metadata service)
    ["fe80::", 10], // link-local
    ["fec0::", 10], // site-local (deprecated)
  ],
};

/**
 * "This network", protocol assignments, benchmarking, documentation, multicast and future use, and
 * the transition forms that embed another address (6to4, Teredo, NAT64): never a place of their own.
 */
export const RESERVED: { ipv4: readonly Range[]; ipv6: readonly Range[] } = {
  ipv4: [
    ["0.0.0.0", 8],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.88.99.0", 24], // 6to4 relay anycast
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ],
  ipv6: [
    ["::", 128],
    ["64:ff9b::", 96], // NAT64
    ["64:ff9b:1::", 48],
    ["100::", 64], // discard-only
    ["2001::", 23], // IETF protocol assignments (Teredo among them)
    ["2001:db8::", 32], // documentation
    ["2002::", 16], // 6to4
    ["ff00::", 8], // multicast
  ],
};

/** A BlockList holding every range of the given lists. */
export function blockListOf(...lists: { ipv4: readonly Range[]; ipv6: readonly Range[] }[]): BlockList {
  const list = new BlockList();
  for (const { ipv4, ipv6 } of lists) {
    for (const [net, prefix] of ipv4) list.addSubnet(net, prefix, "ipv4");
    for (const [net, prefix] of ipv6) list.addSubnet(net, prefix, "ipv6");
  }
  return list;
}
