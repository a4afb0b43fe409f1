import { unwatchFile, watchFile } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import maxmind, { type Reader, type Response } from "maxmind";
import { config } from "../config.js";
import { logger } from "../logger.js";
import { addressKind, type IpKind } from "./addressKind.js";

/**
 * Offline GeoIP: every lookup is answered from MMDB files read with the `maxmind` package, never over
 * the network. The shipped database is @ip-location-db/geo-whois-asn-country-mmdb (country only; data
 * CC BY 4.0 by the NRO's five RIRs, packaged CC0 by ip-location-db); GEOIP_DB_PATH points at another
 * (GeoLite2-City, dbip-city: region and city too) and GEOIP_ASN_DB_PATH at an ASN database.
 *
 * Each file is watched (fs.watchFile, every GEOIP_RELOAD_CHECK_MS) and reopened when it changes, so
 * an operator replaces it without a restart. We reopen it ourselves rather than use maxmind's
 * `watchForUpdates`: that one reloads in a callback nobody awaits, so a file caught half-written
 * would become an unhandled rejection; here a file that does not open keeps the previous reader.
 */

export type { IpKind };

/** What a login's IP says: its kind, and for a public address what the databases know of it. */
export interface GeoInfo {
  ipKind: IpKind;
  country: string | null;
  region: string | null;
  city: string | null;
  asn: number | null;
  asOrg: string | null;
}

const require = createRequire(import.meta.url);
/** The database shipped with the app (an npm dependency: no download at run time). */
export const SHIPPED_DB_PATH = require.resolve("@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb");

const NOTHING = { country: null, region: null, city: null, asn: null, asOrg: null };

type AnyRecord = Record<string, unknown>;
const obj = (v: unknown): AnyRecord | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as AnyRecord) : undefined;
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : null);
const englishName = (v: unknown): string | null => str(obj(obj(v)?.names)?.en);

/**
 * Reads both record shapes in use: MaxMind's (GeoLite2/GeoIP2: `country.iso_code`, `subdivisions[].names`,
 * `city.names`, `autonomous_system_number`) and ip-location-db's flat one (`country_code`, `state1`, `city`).
 */
export function readRecord(record: AnyRecord | null): Omit<GeoInfo, "ipKind"> {
  if (!record) return { ...NOTHING };
  const subdivisions = Array.isArray(record.subdivisions) ? record.subdivisions : [];
  const country = str(obj(record.country)?.iso_code) ?? str(record.country_code);
  const asn = record.autonomous_system_number;
  return {
    country: country ? country.toUpperCase() : null,
    region: englishName(subdivisions[0]) ?? str(record.state1),
    city: englishName(record.city) ?? str(record.city),
    asn: typeof asn === "number" && Number.isInteger(asn) ? asn : null,
    asOrg: str(record.autonomous_system_organization),
  };
}

/** One MMDB file, reopened when it changes. */
class WatchedDatabase {
  private reader: Reader<Response> | null = null;
  private loads = 0;
  private failures = 0;
  constructor(readonly path: string) {}

  async open(reloadCheckMs: number): Promise<void> {
    this.reader = await maxmind.open<Response>(this.path);
    this.loads = 1;
    // Not persistent: a watched file never keeps a process alive.
    watchFile(this.path, { interval: reloadCheckMs, persistent: false }, (curr, prev) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
      if (curr.size === 0) return; // removed or truncated: keep what we have until a whole file is back
      void this.reload();
    });
  }

  private async reload(): Promise<void> {
    try {
      this.reader = await maxmind.open<Response>(this.path);
      this.loads++;
      logger.info({ path: this.path, built: this.reader.metadata.buildEpoch }, "GeoIP database reloaded");
    } catch (err) {
      this.failures++;
      logger.warn(
        { path: this.path, err: (err as Error).message },
        "GeoIP database changed but does not open; kept the previous one",
      );
    }
  }

  get(ip: string): AnyRecord | null {
    try {
      return (this.reader?.get(ip) as AnyRecord | null) ?? null;
    } catch {
      return null;
    }
  }

  get loadCount(): number {
    return this.loads;
  }

  get failedReloads(): number {
    return this.failures;
  }

  close(): void {
    unwatchFile(this.path);
  }
}

export class GeoIp {
  private constructor(
    private readonly geo: WatchedDatabase,
    private readonly asn: WatchedDatabase | null,
  ) {}

  static async open(options: { dbPath?: string; asnDbPath?: string; reloadCheckMs?: number } = {}): Promise<GeoIp> {
    const reloadCheckMs = options.reloadCheckMs ?? config.GEOIP_RELOAD_CHECK_MS;
    const geo = new WatchedDatabase(options.dbPath ?? SHIPPED_DB_PATH);
    await geo.open(reloadCheckMs);
    let asn: WatchedDatabase | null = null;
    if (options.asnDbPath) {
      asn = new WatchedDatabase(options.asnDbPath);
      await asn.open(reloadCheckMs);
    }
    return new GeoIp(geo, asn);
  }

  /** What is known of `ip`: private and loopback addresses are labelled, never looked up. */
  lookup(ip: string | null | undefined): GeoInfo {
    if (!ip || !isIP(ip)) return { ipKind: "unknown", ...NOTHING };
    const kind = addressKind(ip);
    if (kind.kind !== "public") return { ipKind: kind.kind, ...NOTHING };
    const info = readRecord(this.geo.get(kind.address));
    if (this.asn) {
      const asn = readRecord(this.asn.get(kind.address));
      info.asn ??= asn.asn;
      info.asOrg ??= asn.asOrg;
    }
    return { ipKind: "public", ...info };
  }

  /** How many times each file was (re)loaded (1 until the first change), and changes that did not open. */
  get loads(): { geo: number; asn: number | null; failed: number } {
    return {
      geo: this.geo.loadCount,
      asn: this.asn?.loadCount ?? null,
      failed: this.geo.failedReloads + (this.asn?.failedReloads ?? 0),
    };
  }

  close(): void {
    this.geo.close();
    this.asn?.close();
  }
}

let shared: Promise<GeoIp> | null = null;

/** The process's GeoIP databases (config's paths), opened on first use. */
export function geoIp(): Promise<GeoIp> {
  shared ??= GeoIp.open({ dbPath: config.GEOIP_DB_PATH, asnDbPath: config.GEOIP_ASN_DB_PATH }).catch((err) => {
    shared = null;
    throw err;
  });
  return shared;
}
