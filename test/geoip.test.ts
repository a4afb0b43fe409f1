import "./helpers/quietLogs.js";

import { copyFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import test from "ava";
import { addressKind } from "../shared/geoip/addressKind.js";
import { describeDevice, parseDevice } from "../shared/geoip/device.js";
import { GeoIp, readRecord, SHIPPED_DB_PATH } from "../shared/geoip/geoIp.js";
import { refusedAddressReason } from "../shared/net/safeAddress.js";
import { eventually } from "./helpers/eventually.js";
import { writeMmdb } from "./helpers/mmdb.js";

const shipped = (name: string) => join(dirname(SHIPPED_DB_PATH), name);

test("the shipped database places addresses of known ranges, IPv4 and IPv6", async (t) => {
  const geo = await GeoIp.open({ reloadCheckMs: 60_000 });
  t.teardown(() => geo.close());
  const country = (ip: string) => geo.lookup(ip).country;
  t.is(country("8.8.8.8"), "US"); // Google Public DNS
  t.is(country("196.188.0.1"), "ET"); // Ethio Telecom
  t.is(country("81.2.69.160"), "GB");
  t.is(country("1.0.16.1"), "JP");
  t.is(country("41.223.44.1"), "NG");
  t.is(country("2001:4860:4860::8888"), "US");
  t.is(country("::ffff:196.188.0.1"), "ET", "an IPv4-mapped address is looked up as the IPv4 one");
  t.like(geo.lookup("8.8.8.8"), { ipKind: "public", region: null, city: null }, "a country database has no city");
});

test("private, loopback and reserved addresses are labelled, never looked up", async (t) => {
  const geo = await GeoIp.open({ reloadCheckMs: 60_000 });
  t.teardown(() => geo.close());
  for (const [ip, kind] of [
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["10.20.30.40", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["fe80::1", "private"],
    ["203.0.113.7", "reserved"],
    ["2001:db8::1", "reserved"],
    ["not an ip", "unknown"],
    ["", "unknown"],
  ] as const) {
    t.deepEqual(geo.lookup(ip), { ipKind: kind, country: null, region: null, city: null, asn: null, asOrg: null }, ip);
  }
  t.is(addressKind("8.8.8.8").kind, "public");
});

test("GeoIP's labels and the outgoing-fetch guard agree: what is looked up is what a feed may be fetched from", (t) => {
  const addresses = [
    ["8.8.8.8", "public"],
    ["2a00:1450:4001:80e::200e", "public"],
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.20.0.1", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["169.254.169.254", "private"],
    ["fd00:ec2::254", "private"],
    ["fe80::1", "private"],
    ["fec0::1", "private"],
    ["0.1.2.3", "reserved"],
    ["192.0.2.7", "reserved"],
    ["192.88.99.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["224.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2002:c000:0204::1", "reserved"],
    ["2001:0::1", "reserved"],
    ["64:ff9b::c000:204", "reserved"],
    ["ff02::1", "reserved"],
  ] as const;
  for (const [ip, kind] of addresses) {
    t.is(addressKind(ip).kind, kind, ip);
    const refused = refusedAddressReason(ip, { allowLoopback: false });
    t.is(refused === null, kind === "public", `${ip}: ${refused}`);
  }
});

test("both record shapes are read: MaxMind's (GeoLite2-City, -ASN) and ip-location-db's flat one", (t) => {
  t.deepEqual(
    readRecord({
      country: { iso_code: "et", names: { en: "Ethiopia" } },
      subdivisions: [{ names: { en: "Addis Ababa" } }],
      city: { names: { en: "Addis Ababa" } },
      autonomous_system_number: 24757,
      autonomous_system_organization: "Ethio Telecom",
    }),
    { country: "ET", region: "Addis Ababa", city: "Addis Ababa", asn: 24757, asOrg: "Ethio Telecom" },
  );
  t.deepEqual(readRecord({ country_code: "US", state1: "California", city: "Mountain View" }), {
    country: "US",
    region: "California",
    city: "Mountain View",
    asn: null,
    asOrg: null,
  });
  t.deepEqual(readRecord(null), { country: null, region: null, city: null, asn: null, asOrg: null });
});

test("the database is reloaded when its file changes, without a restart; a broken file keeps the old one", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "nexus-geoip-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "geo.mmdb");
  // The IPv6-only file first: it places no IPv4 address.
  await copyFile(shipped("geo-whois-asn-country-ipv6.mmdb"), path);
  const geo = await GeoIp.open({ dbPath: path, reloadCheckMs: 50 });
  t.teardown(() => geo.close());
  t.is(geo.lookup("8.8.8.8").country, null);
  t.is(geo.lookup("2001:4860:4860::8888").country, "US");

  // Replaced the way operators should (write beside it, rename over it): the new data answers.
  await copyFile(shipped("geo-whois-asn-country-ipv4.mmdb"), `${path}.tmp`);
  await rename(`${path}.tmp`, path);
  await eventually(() => geo.lookup("8.8.8.8").country === "US", "the reloaded database answers");
  t.is(geo.loads.geo, 2);

  // A file that is not an MMDB: the reader that works stays.
  await writeFile(`${path}.tmp`, "not a database at all, but long enough to be noticed as a change");
  await rename(`${path}.tmp`, path);
  await eventually(() => geo.loads.failed === 1, "the broken file was tried");
  t.is(geo.lookup("8.8.8.8").country, "US");
  t.is(geo.loads.geo, 2);
});

test("the device is the browser and OS families of the User-Agent", (t) => {
  t.deepEqual(parseDevice("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"), {
    browser: "Firefox",
    os: "Linux",
  });
  t.deepEqual(
    parseDevice(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    ),
    { browser: "Safari", os: "iOS" },
  );
  t.deepEqual(parseDevice(null), { browser: null, os: null });
  t.deepEqual(parseDevice(""), { browser: null, os: null });
  t.is(describeDevice({ browser: "Chrome", os: "macOS" }), "Chrome on macOS");
  t.is(describeDevice({ browser: null, os: null }), "an unknown device");
});

const ADDIS = {
  country: { iso_code: "ET", names: { en: "Ethiopia" } },
  subdivisions: [{ iso_code: "AA", names: { en: "Addis Ababa" } }],
  city: { names: { en: "Addis Ababa" } },
};

test("an operator's city and ASN databases (GEOIP_DB_PATH, GEOIP_ASN_DB_PATH) add region, city and ASN", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "nexus-geoip-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const city = join(dir, "city.mmdb");
  const asn = join(dir, "asn.mmdb");
  writeMmdb(city, {
    databaseType: "GeoLite2-City",
    networks: [
      { cidr: "196.188.0.0/16", record: ADDIS },
      {
        cidr: "81.2.69.0/24",
        record: {
          country: { iso_code: "GB" },
          subdivisions: [{ names: { en: "England" } }],
          city: { names: { en: "London" } },
        },
      },
    ],
  });
  writeMmdb(asn, {
    databaseType: "GeoLite2-ASN",
    networks: [
      {
        cidr: "196.188.0.0/14",
        record: { autonomous_system_number: 24757, autonomous_system_organization: "Ethio Telecom" },
      },
    ],
  });
  const geo = await GeoIp.open({ dbPath: city, asnDbPath: asn, reloadCheckMs: 50 });
  t.teardown(() => geo.close());
  t.deepEqual(geo.lookup("196.188.12.34"), {
    ipKind: "public",
    country: "ET",
    region: "Addis Ababa",
    city: "Addis Ababa",
    asn: 24757,
    asOrg: "Ethio Telecom",
  });
  t.like(geo.lookup("81.2.69.160"), { country: "GB", region: "England", city: "London", asn: null });
  t.like(geo.lookup("8.8.8.8"), { ipKind: "public", country: null }, "not in these files: unknown, not guessed");
  t.like(geo.lookup("2001:4860:4860::8888"), { country: null }, "an IPv6 address in an IPv4-only file: unknown");

  // The ASN file changes too: reloaded on its own.
  writeMmdb(`${asn}.tmp`, {
    databaseType: "GeoLite2-ASN",
    networks: [
      {
        cidr: "196.188.0.0/14",
        record: { autonomous_system_number: 65001, autonomous_system_organization: "Renamed" },
      },
    ],
  });
  await rename(`${asn}.tmp`, asn);
  await eventually(() => geo.lookup("196.188.12.34").asn === 65001, "the reloaded ASN database answers");
  t.like(geo.loads, { geo: 1, asn: 2 });
});
