import "./helpers/env.js";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { promisify } from "node:util";
import test from "ava";
import { nginxMainConf, SHIPPED_NGINX_CONF, templateNginxConf } from "../scripts/nginxConf.js";
import { eventually } from "./helpers/eventually.js";
import { createGuest, createHost, createListing, day, db, PASSWORD } from "./helpers/factories.js";
import { freePort, type Spawned, spawnEntry } from "./helpers/processes.js";
import { connectSocket } from "./helpers/sockets.js";

/**
 * The shipped nginx config (deploy/nginx/nexus.conf) with Debian's nginx in front of two real web
 * processes, TLS from the development certificate scripts/devCert.sh makes (openssl): HTTPS REST
 * balanced over both, wss:// Socket.IO, HTTP → HTTPS, HSTS, the app seeing https and the client's
 * own address, and nginx's own errors in the API's JSON shape.
 */

const run = promisify(execFile);
const NGINX = "/usr/sbin/nginx";
const missing = !existsSync(NGINX) ? "nginx is not installed" : "";
const proxyTest = missing ? test.skip : test.serial;
const note = missing ? ` (skipped: ${missing})` : "";

interface Nginx {
  httpPort: number;
  mainPort: number;
  stop(): Promise<void>;
}

let dir = "";
let ca = "";
const webs: { port: number; process: Spawned }[] = [];
const proxies: Nginx[] = [];
let main: Nginx;

async function startNginx(name: string, webPorts: number[], readTimeout?: string): Promise<Nginx> {
  const prefix = join(dir, name);
  for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"]) {
    await mkdir(join(prefix, "temp", sub), { recursive: true });
    // Workers run as nobody when nginx starts as root: their temp folders must be theirs to write.
    await chmod(join(prefix, "temp", sub), 0o777);
  }
  const [httpPort, mainPort] = [await freePort(), await freePort()];
  const shipped = await readFile(SHIPPED_NGINX_CONF, "utf8");
  const conf = templateNginxConf(shipped, {
    httpPort,
    mainPort,
    tls: true,
    webPorts,
    certDir: join(dir, "certs"),
    readTimeout,
  });
  await writeFile(join(prefix, "default.conf"), conf);
  await writeFile(join(prefix, "nginx.conf"), nginxMainConf(prefix, join(prefix, "temp", "logs")));
  const args = ["-p", prefix, "-c", join(prefix, "nginx.conf")];
  await run(NGINX, [...args, "-t", "-q"]);
  const child = spawn(NGINX, args, { stdio: "ignore" });
  const exited = once(child, "exit");
  // Ready when it accepts TLS connections; an nginx that exited will never be.
  const acceptsTls = () =>
    new Promise<boolean>((resolve) => {
      const s = tlsConnect({ host: "127.0.0.1", port: mainPort, ca }, () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`nginx ${name} exited (${child.exitCode})`);
    return acceptsTls();
  }, `nginx ${name} to accept TLS`);
  const nginx = {
    httpPort,
    mainPort,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGQUIT");
      await exited;
    },
  };
  proxies.push(nginx);
  return nginx;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchVia(
  tls: boolean,
  port: number,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {},
): Promise<Answer> {
  const request = tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: o.method ?? "GET",
        headers: { ...(o.body ? { "content-type": "application/json" } : {}), ...o.headers },
        localAddress: o.localAddress,
        ...(tls ? { ca, servername: "localhost" } : {}),
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}
const https = (path: string, o?: Parameters<typeof fetchVia>[3]) => fetchVia(true, main.mainPort, path, o);

/** nginx's own error: the API's JSON error shape with this code, HSTS, never an HTML page. */
function assertJsonError(t: import("ava").ExecutionContext, answer: Answer, status: number, code: string) {
  t.is(answer.status, status);
  t.regex(String(answer.headers["content-type"]), /^application\/json/);
  t.notRegex(answer.body, /<html/i);
  const body = JSON.parse(answer.body);
  t.is(body.error.code, code);
  t.is(typeof body.error.message, "string");
  t.deepEqual(body.error.details, []);
  t.regex(String(answer.headers["strict-transport-security"]), /max-age=\d+/);
}

test.before(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), "nexus-proxy-"));
  await run("bash", ["scripts/devCert.sh", join(dir, "certs")]);
  ca = await readFile(join(dir, "certs", "nexus.crt"), "utf8");
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const web = spawnEntry("server/main.ts", { PORT: String(port), TRUST_PROXY: "true", TRUST_PROXY_HOPS: "1" });
    webs.push({ port, process: web });
  }
  await Promise.all(webs.map((w) => w.process.waitFor(/web listening/)));
  main = await startNginx(
    "main",
    webs.map((w) => w.port),
  );
});

test.after.always(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all(webs.map((w) => w.process.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

proxyTest(`HTTPS REST through nginx, balanced over both web processes${note}`, async (t) => {
  const probe = `probe${Date.now()}`;
  for (let i = 0; i < 6; i++) {
    const res = await https(`/api/v1/listings?city=${probe}`);
    t.is(res.status, 200);
    t.deepEqual(JSON.parse(res.body).data, []);
  }
  for (const w of webs) t.true(w.process.output().includes(probe), `web on ${w.port} served some of them`);
  // The certificate is checked: without the development CA, the connection is refused.
  await t.throwsAsync(
    new Promise((resolve, reject) => {
      const req = httpsRequest({ host: "127.0.0.1", port: main.mainPort, path: "/healthz" }, resolve);
      req.on("error", reject);
      req.end();
    }),
  );
});

proxyTest(`plain HTTP is redirected to HTTPS with the same path and method kept (308)${note}`, async (t) => {
  const res = await fetchVia(false, main.httpPort, "/api/v1/listings?city=x", { headers: { host: "127.0.0.1" } });
  t.is(res.status, 308);
  t.is(res.headers.location, `https://127.0.0.1:${main.mainPort}/api/v1/listings?city=x`);
  const post = await fetchVia(false, main.httpPort, "/api/v1/auth/login", { method: "POST", body: "{}" });
  t.is(post.status, 308, "a POST too: 308 keeps method and body, unlike 301");
  // Its own errors are JSON as well.
  const raw = await rawRequest(false, main.httpPort, "NOT A REQUEST\r\n\r\n");
  t.regex(raw.head, /^HTTP\/1\.1 400/);
  t.is(JSON.parse(raw.body).error.code, "bad_request");
});

proxyTest(
  `the app sees https (it sends HSTS itself) and the client's own address, not a forged one${note}`,
  async (t) => {
    const overTls = await https("/healthz", { headers: { "x-forwarded-proto": "http" } });
    t.is(overTls.status, 200);
    t.regex(String(overTls.headers["strict-transport-security"]), /max-age=/, "the app saw X-Forwarded-Proto: https");
    const direct = await fetchVia(false, webs[0].port, "/healthz");
    t.is(direct.headers["strict-transport-security"], undefined, "plain HTTP straight to the app: no HSTS");

    // The client connects from 127.0.0.2 and forges X-Forwarded-For; nginx (from 127.0.0.1) appends the
    // real address, the one entry the app trusts with TRUST_PROXY_HOPS=1.
    const guest = await createGuest();
    const login = await https("/api/v1/auth/login", {
      method: "POST",
      body: JSON.stringify({ email: guest.email, password: PASSWORD }),
      headers: { "x-forwarded-for": "203.0.113.9" },
      localAddress: "127.0.0.2",
    });
    t.is(login.status, 200, login.body);
    const { rows } = await db().query("select ip from login_events where user_id = $1", [guest.id]);
    t.deepEqual(
      rows.map((r) => r.ip),
      ["127.0.0.2"],
    );
  },
);

proxyTest(`a wss:// Socket.IO client through nginx gets events caused through either web process${note}`, async (t) => {
  const host = await createHost();
  const listings = [await createListing(host), await createListing(host)];
  const guest = await createGuest();
  const socket = await connectSocket(`https://127.0.0.1:${main.mainPort}`, host.token, { ca });
  try {
    // One booking straight through each web process: whichever one holds the socket, the other's
    // event reaches it over Redis.
    for (const [i, w] of webs.entries()) {
      const res = await fetchVia(false, w.port, "/api/v1/bookings", {
        method: "POST",
        headers: { authorization: `Bearer ${guest.token}` },
        body: JSON.stringify({ listingId: listings[i].id, checkIn: day(10), checkOut: day(12), guests: 1 }),
      });
      t.is(res.status, 201, res.body);
    }
    const events = await socket.waitForEvents(2, 15_000);
    t.deepEqual(events.map((e) => e.type).sort(), ["booking.created", "booking.created"]);
    t.deepEqual(
      events.map((e) => (e.data as { listingId: string }).listingId).sort(),
      listings.map((l) => l.id).sort(),
    );
  } finally {
    socket.close();
  }
});

proxyTest(`nginx's own errors come back in the API's JSON error shape: 400, 413, 502, 504${note}`, async (t) => {
  // 400: a request line nginx cannot parse, sent raw over TLS; and a header line beyond its buffers (494).
  for (const request of [
    "NOT A REQUEST\r\n\r\n",
    `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`,
  ]) {
    const { head, body } = await rawRequest(true, main.mainPort, request);
    t.regex(head, /^HTTP\/1\.1 400/);
    assertJsonError(t, { status: 400, headers: parseHeaders(head), body }, 400, "bad_request");
  }

  // 413: beyond nginx's client_max_body_size (1 MB; the app's own limit is 100 kB and answers the same shape).
  const big = await https("/api/v1/auth/login", { method: "POST", body: Buffer.alloc(2_000_000, "a") });
  assertJsonError(t, big, 413, "payload_too_large");

  // 502: every web process of this proxy is down (nothing listens on its upstream port).
  const down = await startNginx("down", [await freePort()]);
  assertJsonError(t, await fetchVia(true, down.mainPort, "/api/v1/listings"), 502, "service_unavailable");

  // 504: the upstream accepts and never answers (this proxy's read timeout shortened to 1 s, the only
  // change from the shipped file).
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
  const slow = await startNginx("slow", [(silent.address() as { port: number }).port], "1s");
  try {
    assertJsonError(t, await fetchVia(true, slow.mainPort, "/api/v1/listings"), 504, "upstream_timeout");
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

/** Writes `text` as it is (no HTTP client would send it) and reads the answer up to the close. */
function rawRequest(tls: boolean, port: number, text: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const onConnect = () => s.write(text);
    const s = tls
      ? tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, onConnect)
      : createConnection({ host: "127.0.0.1", port }, onConnect);
    let out = "";
    s.setEncoding("utf8");
    s.on("data", (c) => {
      out += c;
    });
    s.on("end", () => {
      const at = out.indexOf("\r\n\r\n");
      resolve({ head: out.slice(0, at), body: out.slice(at + 4) });
    });
    s.on("error", reject);
  });
}

function parseHeaders(head: string): Record<string, string> {
  return Object.fromEntries(
    head
      .split("\r\n")
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
}
