import { writeFileSync } from "node:fs";

/**
 * Writes a small MaxMind DB (MMDB 2.0, IPv4, 24-bit records) for tests: the shipped database has
 * countries only, so region, city and ASN (what GeoLite2-City and GeoLite2-ASN files carry) are
 * tested against files made here, in MaxMind's record shapes, and read by the real `maxmind` reader.
 * The format: a binary search tree over the address bits, 16 zero bytes, the data section, then the
 * metadata after "\xAB\xCD\xEFMaxMind.com" (https://maxmind.github.io/MaxMind-DB/).
 */
export type MmdbValue = string | number | MmdbValue[] | { [key: string]: MmdbValue };

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const first = (extended ? 0 : type) << 5;
  let head: number[];
  if (size < 29) head = [first | size];
  else if (size < 29 + 256) head = [first | 29, size - 29];
  else if (size < 285 + 65_536) head = [first | 30, (size - 285) >> 8, (size - 285) & 0xff];
  else throw new Error("value too large for this test writer");
  if (!extended) return Buffer.from(head);
  return Buffer.from([head[0], type - 7, ...head.slice(1)]);
}

function unsigned(type: number, value: number | bigint): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex === "0") return control(type, 0);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return Buffer.concat([control(type, bytes.length), bytes]);
}

export function encode(value: MmdbValue): Buffer {
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32) return unsigned(6, value);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

type RecordValue = { node: number } | { data: number } | null;

function bitsOf(cidr: string): number[] {
  const [address, prefix] = cidr.split("/");
  const octets = address.split(".").map(Number);
  const bits = octets.flatMap((o) => Array.from({ length: 8 }, (_, i) => (o >> (7 - i)) & 1));
  return bits.slice(0, Number(prefix ?? 32));
}

/** Writes `networks` (IPv4 CIDRs, none inside another) with their records to `path`. */
export function writeMmdb(
  path: string,
  options: { databaseType: string; networks: { cidr: string; record: MmdbValue }[] },
): void {
  const nodes: [RecordValue, RecordValue][] = [[null, null]];
  const data: Buffer[] = [];
  let dataLength = 0;
  for (const { cidr, record } of options.networks) {
    const encoded = encode(record);
    const offset = dataLength;
    data.push(encoded);
    dataLength += encoded.length;
    const bits = bitsOf(cidr);
    let node = 0;
    bits.forEach((bit, depth) => {
      if (depth === bits.length - 1) {
        nodes[node][bit] = { data: offset };
        return;
      }
      const next = nodes[node][bit];
      if (next && "node" in next) node = next.node;
      else {
        nodes.push([null, null]);
        nodes[node][bit] = { node: nodes.length - 1 };
        node = nodes.length - 1;
      }
    });
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const recordValue = (r: RecordValue) => (r === null ? nodeCount : "node" in r ? r.node : nodeCount + 16 + r.data);
  nodes.forEach(([left, right], i) => {
    tree.writeUIntBE(recordValue(left), i * 6, 3);
    tree.writeUIntBE(recordValue(right), i * 6 + 3, 3);
  });
  const metadata = Buffer.concat([
    control(7, 9),
    encode("node_count"),
    unsigned(6, nodeCount),
    encode("record_size"),
    unsigned(5, 24),
    encode("ip_version"),
    unsigned(5, 4),
    encode("database_type"),
    encode(options.databaseType),
    encode("languages"),
    encode(["en"]),
    encode("binary_format_major_version"),
    unsigned(5, 2),
    encode("binary_format_minor_version"),
    unsigned(5, 0),
    encode("build_epoch"),
    unsigned(9, Math.floor(Date.now() / 1000)),
    encode("description"),
    encode({ en: "Nexus test database" }),
  ]);
  writeFileSync(
    path,
    Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from("abcdef4d61784d696e642e636f6d", "hex"), metadata]),
  );
}
