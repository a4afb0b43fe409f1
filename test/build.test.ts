import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import test from "ava";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

test("the production build ships no source maps: the server's tsc emit and the browser bundle", async (t) => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const tsconfig = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  t.notRegex(pkg.scripts.build, /--(inline)?sourceMap\b/i, "tsc emits no .js.map");
  t.falsy(tsconfig.compilerOptions.sourceMap);
  t.falsy(tsconfig.compilerOptions.inlineSourceMap);
  t.regex(pkg.scripts.build, /node scripts\/buildClient\.mjs/);

  // The bundle as `npm run build` writes it to dist/public (esbuild: a second or two).
  await run(process.execPath, ["scripts/buildClient.mjs"], { cwd: root });
  const files = readdirSync(join(root, "dist/public"));
  t.true(files.includes("main.js"));
  t.deepEqual(
    files.filter((name) => name.endsWith(".map")),
    [],
  );
  t.notRegex(readFileSync(join(root, "dist/public/main.js"), "utf8"), /sourceMappingURL/);
});
