import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { refusedAddressReason } from "./safeAddress.js";

/** Resolves a host name to every address it has (node:dns by default; tests may give their own). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export interface FetchFeedOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowLoopback: boolean;
  /** Validators of the copy we have: sent as If-None-Match / If-Modified-Since. */
  etag?: string | null;
  lastModified?: string | null;
  resolve?: Resolve;
}

export type FetchFeedResult =
  | { status: "ok"; body: string; etag: string | null; lastModified: string | null; url: string }
  | { status: "not_modified" };

/** Why a fetch failed, in words a host can act on (shown on the feed's status). */
export class FeedFetchError extends Error {
  override name = "FeedFetchError";
}

const defaultResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** http(s) only, no credentials in the URL: what a feed URL may be at all (checked when saved and at every fetch). */
export function feedUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http or https URL";
  if (url.username || url.password) return "must not carry a user name or password";
  if (!url.hostname) return "must name a host";
  return null;
}

/**
 * The connection's address lookup: resolves the name, refuses it when ANY of its addresses is in a
 * refused range (so a name cannot mix a public address with an internal one), and hands the checked
 * address to the socket, which connects to exactly that one. Done at every connection, redirects
 * included, so a name that changes its DNS answer after the feed was saved is caught when it matters.
 */
function checkedLookup(resolve: Resolve, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        if (!addresses.length) throw new FeedFetchError(`${hostname} has no address`);
        for (const a of addresses) {
          const reason = refusedAddressReason(a.address, { allowLoopback });
          if (reason) throw new FeedFetchError(`refused: ${hostname} resolves to ${reason}`);
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = addresses.filter((a) => !wanted || a.family === wanted);
        const checked = usable.length ? usable : addresses;
        // Every one of them was checked: the socket may try each (happy eyeballs), and only those.
        if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, checked);
        else callback(null, checked[0].address, checked[0].family);
      })
      .catch((err: Error) => callback(err as NodeJS.ErrnoException, "", 0));
  };
}

/**
 * GETs an iCal feed from a user-given URL, defensively: http(s) only; every address checked
 * (checkedLookup, and IP literals here since sockets skip the lookup for them); one deadline for the
 * whole fetch, redirects and body included; at most `maxBytes` read (a bigger body is refused, not
 * truncated); at most `maxRedirects` redirects; a conditional GET from the copy's validators; no
 * compression asked for (no decompression bomb). Any other outcome than 200 or 304 is a
 * FeedFetchError saying what happened.
 */
export async function fetchFeed(rawUrl: string, options: FetchFeedOptions): Promise<FetchFeedResult> {
  const deadline = Date.now() + options.timeoutMs;
  const resolve = options.resolve ?? defaultResolve;
  let url = rawUrl;
  for (let hop = 0; ; hop++) {
    const problem = feedUrlProblem(url);
    if (problem) throw new FeedFetchError(`refused: the URL ${problem}`);
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal)) {
      const reason = refusedAddressReason(literal, { allowLoopback: options.allowLoopback });
      if (reason) throw new FeedFetchError(`refused: ${literal} is ${reason}`);
    }
    const res = await request(target, options, resolve, deadline);
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new FeedFetchError(`HTTP ${res.statusCode} without a Location`);
      if (hop >= options.maxRedirects) throw new FeedFetchError(`more than ${options.maxRedirects} redirects`);
      url = new URL(location, target).toString();
      continue;
    }
    if (res.statusCode === 304) {
      res.resume();
      return { status: "not_modified" };
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new FeedFetchError(`HTTP ${res.statusCode}`);
    }
    const body = await readBody(res, options.maxBytes, deadline);
    return {
      status: "ok",
      body,
      etag: headerValue(res.headers.etag),
      lastModified: headerValue(res.headers["last-modified"]),
      url,
    };
  }
}

const headerValue = (value: string | string[] | undefined): string | null =>
  typeof value === "string" && value.length <= 500 ? value : null;

function request(target: URL, options: FetchFeedOptions, resolve: Resolve, deadline: number): Promise<IncomingMessage> {
  const client = target.protocol === "https:" ? https : http;
  const headers: Record<string, string> = {
    accept: "text/calendar, text/plain;q=0.8, */*;q=0.1",
    "accept-encoding": "identity",
    "user-agent": "Nexus-Calendar-Sync/1.0",
  };
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;
  return new Promise((resolvePromise, reject) => {
    const req = client.get(target, {
      headers,
      lookup: checkedLookup(resolve, options.allowLoopback),
      // No connection reuse: each connection is made (and its address checked) for this fetch.
      agent: false,
    });
    const timer = setTimeout(
      () => req.destroy(new FeedFetchError(`timed out after ${options.timeoutMs} ms`)),
      Math.max(0, deadline - Date.now()),
    );
    req.on("response", (res) => {
      res.on("close", () => clearTimeout(timer));
      // The deadline still holds while the body is read (readBody); keep the timer until the end.
      resolvePromise(res);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err instanceof FeedFetchError ? err : new FeedFetchError(describeNetworkError(err)));
    });
  });
}

function describeNetworkError(err: NodeJS.ErrnoException): string {
  if (err.code === "ENOTFOUND") return "the host name does not resolve";
  if (err.code === "ECONNREFUSED") return "connection refused";
  if (err.code === "ECONNRESET") return "connection reset";
  return err.code ? `${err.code}: ${err.message}` : err.message;
}

function readBody(res: IncomingMessage, maxBytes: number, deadline: number): Promise<string> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    return Promise.reject(new FeedFetchError(`the feed is larger than ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(
      () => res.destroy(new FeedFetchError("timed out while reading the feed")),
      Math.max(0, deadline - Date.now()),
    );
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy(new FeedFetchError(`the feed is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    res.on("error", (err) => {
      clearTimeout(timer);
      reject(err instanceof FeedFetchError ? err : new FeedFetchError(describeNetworkError(err)));
    });
    res.on("close", () => {
      clearTimeout(timer);
      if (!res.complete) reject(new FeedFetchError("the connection closed before the feed ended"));
    });
  });
}
