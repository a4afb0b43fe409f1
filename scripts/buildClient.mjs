// Bundles the browser client (server/client/) with esbuild: main.ts and everything it imports (the
// shared EventMap, socket.io-client) into main.js, plus the static files next to it (index.html,
// styles.css, favicon.svg). `node scripts/buildClient.mjs` writes them to dist/public for production;
// the web process imports buildClient() in development and tests to build in memory instead.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const CLIENT_DIR = "server/client";
const OUT_DIR = "dist/public";
const STATIC_EXTENSIONS = new Set([".html", ".css", ".svg", ".png", ".ico", ".webmanifest"]);

/**
 * Builds the client. Resolves to a map of public file name ("main.js", "index.html"…) to contents;
 * with `write`, the files are also written to dist/public.
 */
export async function buildClient({
  root = fileURLToPath(new URL("..", import.meta.url)),
  write = true,
  minify = false,
  sourcemap = true,
} = {}) {
  const clientDir = join(root, CLIENT_DIR);
  const outDir = join(root, OUT_DIR);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(clientDir, "main.ts")],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify,
    sourcemap: sourcemap ? "linked" : false,
    outdir: outDir,
    write: false,
    logLevel: "warning",
  });
  const files = new Map();
  for (const output of result.outputFiles) files.set(output.path.slice(outDir.length + 1), output.contents);
  for (const name of readdirSync(clientDir)) {
    if (STATIC_EXTENSIONS.has(extname(name))) files.set(name, readFileSync(join(clientDir, name)));
  }
  if (write) {
    // Exactly this build: nothing left over from an earlier one (a source map of an older build included).
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    for (const [name, contents] of files) writeFileSync(join(outDir, name), contents);
  }
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // The command line builds what production serves: minified, and without source maps (they would
  // publish the client's sources); development builds in memory keep them.
  const files = await buildClient({ minify: true, sourcemap: false });
  console.log(`client built: ${[...files.keys()].sort().join(", ")} → ${OUT_DIR}`);
}
