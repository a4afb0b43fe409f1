import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { day } from "./factories.js";

const FIXTURES = new URL("../fixtures/ical/", import.meta.url);

/**
 * A fixture feed (test/fixtures/ical/<name>.ics) with its dates made relative to today: `{{+10}}` is
 * the day 10 days from now (UTC) as YYYYMMDD, `{{-5}}` five days ago. Line ends become CRLF.
 */
export function fixtureFeed(name: string): string {
  const text = readFileSync(new URL(`${name}.ics`, FIXTURES), "utf8");
  return text.replace(/\{\{([+-]\d+)\}\}/g, (_, n) => day(Number(n)).replaceAll("-", "")).replace(/\r?\n/g, "\r\n");
}

/** How a path answers. */
export type FeedBehaviour =
  | { kind: "ics"; body: string }
  | { kind: "stall" }
  | { kind: "status"; status: number }
  | { kind: "huge"; bytes: number }
  | { kind: "garbage" }
  | { kind: "redirect"; to: string };

export interface FeedRequest {
  path: string;
  ifNoneMatch: string | undefined;
  status: number;
}

/**
 * A real HTTP server on 127.0.0.1 serving fixture feeds the way other channels' servers do (with an
 * ETag and 304 to a matching If-None-Match), or misbehaving on purpose: never answering, 500, a
 * body of 50 MB, bytes that are no calendar, redirects (in loops too). Each path's behaviour can be
 * changed while the tests run; every request is recorded.
 */
export class FeedServer {
  readonly requests: FeedRequest[] = [];
  private readonly routes = new Map<string, FeedBehaviour>();
  private readonly stalled = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FeedServer> {
    let self: FeedServer | undefined;
    const server = createServer((req, res) => self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    self = new FeedServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Sets what `path` answers; returns its full URL. */
  set(path: string, behaviour: FeedBehaviour): string {
    this.routes.set(path, behaviour);
    return `${this.url}${path}`;
  }

  requestsTo(path: string): FeedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    const behaviour = this.routes.get(path) ?? { kind: "status", status: 404 };
    const record = (status: number) =>
      this.requests.push({ path, ifNoneMatch: req.headers["if-none-match"] as string | undefined, status });
    switch (behaviour.kind) {
      case "ics": {
        const etag = `"${createHash("sha1").update(behaviour.body).digest("hex")}"`;
        if (req.headers["if-none-match"] === etag) {
          record(304);
          res.writeHead(304, { etag }).end();
          return;
        }
        record(200);
        res.writeHead(200, { "content-type": "text/calendar; charset=utf-8", etag }).end(behaviour.body);
        return;
      }
      case "stall":
        record(0);
        this.stalled.add(res); // never answered; closed when the server stops
        return;
      case "status":
        record(behaviour.status);
        res.writeHead(behaviour.status, { "content-type": "text/plain" }).end("Internal Server Error");
        return;
      case "huge": {
        record(200);
        // No Content-Length: the reader must count what arrives.
        res.writeHead(200, { "content-type": "text/calendar" });
        const chunk = Buffer.alloc(64 * 1024, "X");
        let sent = 0;
        const pump = () => {
          while (sent < behaviour.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      case "garbage":
        record(200);
        res
          .writeHead(200, { "content-type": "text/calendar" })
          .end("<html><body>Gateway says hi</body></html>\n\u0000\u0001");
        return;
      case "redirect":
        record(302);
        res.writeHead(302, { location: behaviour.to }).end();
        return;
    }
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
