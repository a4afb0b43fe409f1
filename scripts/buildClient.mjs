// Bundles the browser client (server/client/) into dist/public with esbuild. Until the client
// exists there is nothing to bundle; the web process serves dist/public when it is present.
import { existsSync } from "node:fs";
import { build } from "esbuild";

const entry = "server/client/main.ts";
if (existsSync(entry)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: process.env.NODE_ENV === "production",
    sourcemap: true,
    outdir: "dist/public",
    logLevel: "info",
  });
}
