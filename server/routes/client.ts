import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Router from "@koa/router";
import { config } from "../../shared/config.js";
import { logger } from "../../shared/logger.js";

type Files = Map<string, Uint8Array>;
interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
};

const here = fileURLToPath(new URL(".", import.meta.url));
// From source (server/routes) the root is two levels up; compiled (dist/server/routes) it is three.
const root = [join(here, "../.."), join(here, "../../..")].find((dir) => existsSync(join(dir, "package.json")))!;
const publicDir = join(root, "dist/public");
const clientDir = join(root, "server/client");
const buildScript = join(root, "scripts/buildClient.mjs");

/**
 * The browser client at `/`: index.html for `/`, and the bundle's files by name (/main.js, /styles.css…).
 * Only those exact names are answered; anything else (/api/v1/unknown included) falls through to the
 * JSON 404. Production serves what `npm run build` wrote to dist/public. Development and tests build
 * in memory with esbuild on first use, and again when a client source file changed: nothing is written,
 * so several processes starting at once never race on dist/public.
 */
export function clientRoutes(): Router {
  const router = new Router();
  const development = config.NODE_ENV !== "production";
  let assets: Promise<Map<string, Asset>> | null = null;
  let builtAt = 0;

  function load(page: boolean): Promise<Map<string, Asset>> {
    // A page load checks for edited sources; the assets it then asks for come from that same build.
    if (development && page && assets && newestSource() > builtAt) assets = null;
    if (assets) return assets;
    const loading = (async () => {
      builtAt = Date.now();
      const files: Files = development ? await buildInMemory() : readDir(publicDir);
      if (!files.has("index.html")) logger.error({ publicDir }, "the browser client is not built: run npm run build");
      return new Map([...files].map(([name, contents]) => [name, toAsset(name, contents)]));
    })();
    // A failed build is retried on the next request instead of being cached.
    loading.catch(() => {
      if (assets === loading) assets = null;
    });
    assets = loading;
    return loading;
  }

  router.get(["/", "/:file"], async (ctx, next) => {
    const name = ctx.params.file ?? "index.html";
    // Cheap check first, so unknown paths never trigger a build.
    if (!/^[\w.-]+$/.test(name) || !TYPES[extname(name)]) return next();
    const asset = (await load(name === "index.html")).get(name);
    if (!asset) return next();
    ctx.type = asset.type;
    // nosniff, the Content-Security-Policy and the Referrer-Policy come from securityHeaders.ts.
    ctx.set("Cache-Control", "no-cache");
    ctx.etag = asset.etag;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = asset.body;
  });
  return router;
}

function toAsset(name: string, contents: Uint8Array): Asset {
  const body = Buffer.from(contents);
  return {
    body,
    type: TYPES[extname(name)] ?? "application/octet-stream",
    etag: createHash("sha1").update(body).digest("base64url"),
  };
}

function readDir(dir: string): Files {
  if (!existsSync(dir)) return new Map();
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

async function buildInMemory(): Promise<Files> {
  // esbuild is a dev dependency, so the build script is only ever loaded outside production. An image
  // with production dependencies only, run in development mode (docker-compose's sandbox profile),
  // has no esbuild: it serves what `npm run build` wrote instead.
  const loaded = await import(pathToFileURL(buildScript).href).catch((err: { code?: string }) => {
    if (err.code === "ERR_MODULE_NOT_FOUND") return null;
    throw err;
  });
  if (!loaded) return readDir(publicDir);
  const { buildClient } = loaded as { buildClient(options: { root: string; write: boolean }): Promise<Files> };
  const started = performance.now();
  const files = await buildClient({ root, write: false });
  logger.debug({ ms: Math.round(performance.now() - started) }, "browser client built in memory");
  return files;
}

/** Newest modification time among the client's sources (and the shared browser code and event types it bundles). */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(clientDir);
  walk(join(root, "shared/browser"));
  walk(join(root, "shared/events"));
  return newest;
}
