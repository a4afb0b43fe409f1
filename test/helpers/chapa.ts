/**
 * Chapa for payment tests, over real HTTP: the in-process sandbox, reached by the app through a small
 * "front" (CHAPA_BASE_URL) that can make Chapa fail on purpose, with webhooks going straight to the app.
 *
 * Import it right after ./env.js and before anything that reads config: config is read once at import,
 * and this module sets CHAPA_* and PUBLIC_URL. Ports are reserved synchronously for the same reason
 * (a top-level await here would not hold back the sibling imports that read config).
 */
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { type ChapaSandbox, createChapaSandbox, sandboxControlHeaders } from "../../scripts/chapaSandbox/sandbox.js";
import { signWebhookBody } from "../../shared/payments/chapa/signature.js";
import type { RunningApp } from "./app.js";

export const CHAPA_SECRET_KEY = "CHASECK_TEST-nexus-payment-tests";
export const CHAPA_WEBHOOK_SECRET = "nexus-payment-tests-webhook-secret";

/** A free loopback port, found synchronously (for settings read when config loads). */
export function reservePort(): number {
  const script =
    "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => " +
    "{ process.stdout.write(String(s.address().port)); s.close(); })";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

const frontPort = reservePort();
let unreachablePort = reservePort();
while (unreachablePort === frontPort) unreachablePort = reservePort();

process.env.CHAPA_BASE_URL = `http://127.0.0.1:${frontPort}/v1`;
process.env.CHAPA_SECRET_KEY = CHAPA_SECRET_KEY;
process.env.CHAPA_WEBHOOK_SECRET = CHAPA_WEBHOOK_SECRET;
process.env.CHAPA_TIMEOUT_MS = "3000";
// Nothing listens here: the sandbox's callback GETs fail at once, so each test decides which signals
// reach the app (webhook, return, callback), and redirects name an app we can recognise.
export const PUBLIC_URL = `http://127.0.0.1:${unreachablePort}`;
process.env.PUBLIC_URL = PUBLIC_URL;

/** Between the app and the sandbox: forwards every request, except those a test told it to fail. */
export interface ChapaFront {
  /** The next `times` requests whose path starts with `pathPrefix` get `status` (an HTML error page). */
  failNext(pathPrefix: string, times: number, status?: number): void;
  /** Forget every pending failure. */
  heal(): void;
  /** How many requests reached the front (failed on purpose or forwarded) whose path starts with `pathPrefix`. */
  requests(pathPrefix: string): number;
  close(): Promise<void>;
}

async function startFront(sandboxUrl: string): Promise<ChapaFront> {
  const faults: { prefix: string; remaining: number; status: number }[] = [];
  const seen: string[] = [];
  const server = createServer(async (req, res) => {
    seen.push(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = faults.find((f) => f.remaining > 0 && (req.url ?? "").startsWith(f.prefix));
    if (fault) {
      fault.remaining--;
      res.writeHead(fault.status, { "content-type": "text/html" }).end("<html><body>Bad gateway</body></html>");
      return;
    }
    try {
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "content-type", "accept"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const upstream = await fetch(`${sandboxUrl}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
      res.end(body);
    } catch {
      res.writeHead(502).end();
    }
  });
  server.listen(frontPort, "127.0.0.1");
  await once(server, "listening");
  return {
    failNext(prefix, times, status = 503) {
      faults.push({ prefix, remaining: times, status });
    },
    heal() {
      faults.length = 0;
    },
    requests(prefix) {
      return seen.filter((url) => url.startsWith(prefix)).length;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface PaymentsStack {
  app: RunningApp;
  sandbox: ChapaSandbox;
  /** The sandbox's own URL: control endpoints (/__sandbox/…) and checkout pages. */
  sandboxUrl: string;
  front: ChapaFront;
  close(): Promise<void>;
}

/** The app on a real port, the sandbox posting webhooks to it (retried every 200 ms), and the front. */
export async function startPaymentsStack(): Promise<PaymentsStack> {
  // Imported here rather than at the top: app.js reads config, which must see the variables set above.
  const { startApp } = await import("./app.js");
  const app = await startApp();
  const sandbox = createChapaSandbox({
    secretKey: CHAPA_SECRET_KEY,
    webhookSecret: CHAPA_WEBHOOK_SECRET,
    webhookUrl: `${app.url}/api/v1/webhooks/chapa`,
    retryIntervalMs: 200,
    maxRetries: 5,
    notifyTimeoutMs: 5000,
  });
  const sandboxUrl = await sandbox.listen(0);
  const front = await startFront(sandboxUrl);
  return {
    app,
    sandbox,
    sandboxUrl,
    front,
    async close() {
      await sandbox.close();
      await front.close();
      await app.close();
    },
  };
}

/** What a browser does on the checkout page, without the browser. */
export async function completeCheckout(checkoutUrl: string, outcome: "success" | "failed"): Promise<void> {
  const res = await fetch(`${checkoutUrl}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
  if (res.status !== 200) throw new Error(`checkout ${outcome}: ${res.status} ${await res.text()}`);
}

export interface SandboxTransactionState {
  status: string;
  amount: string;
  refund: { amount: string; reason: string | null } | null;
  refunds: { amount: string; reason: string | null; origin: "api" | "provider" }[];
  webhooks: { event: string; state: string; attempts: { attempt: number; httpStatus: number | null }[] }[];
}

export async function sandboxTransaction(sandboxUrl: string, txRef: string): Promise<SandboxTransactionState> {
  const res = await fetch(`${sandboxUrl}/__sandbox/transactions/${txRef}`, { headers: sandboxControlHeaders() });
  return res.json() as Promise<SandboxTransactionState>;
}

/** A refund made on Chapa's side (not asked by us), which sends the signed charge.refunded webhook. */
export async function refundAtProvider(
  sandboxUrl: string,
  txRef: string,
  body: { amount?: string; reason?: string } = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandboxUrl}/__sandbox/transactions/${txRef}/refund`, {
    method: "POST",
    headers: sandboxControlHeaders(),
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`provider refund: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

export async function setWebhookDrop(sandboxUrl: string, enabled: boolean): Promise<void> {
  await fetch(`${sandboxUrl}/__sandbox/webhooks/drop`, {
    method: "POST",
    headers: sandboxControlHeaders(),
    body: JSON.stringify({ enabled }),
  });
}

/** POSTs a body to our webhook endpoint signed the way Chapa signs it (or with the given signature). */
export async function postWebhook(
  appUrl: string,
  rawBody: string,
  signature = signWebhookBody(rawBody, CHAPA_WEBHOOK_SECRET),
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${appUrl}/api/v1/webhooks/chapa`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-chapa-signature": signature },
    body: rawBody,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
