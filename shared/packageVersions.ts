import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Where Nexus relies on a library's insides (shared/events/adapterPatches.ts, shared/events/record.ts),
 * it checks at import that the installed versions are those the code was verified with, and stops the
 * process otherwise: an upgrade fails loudly at start instead of silently changing behaviour.
 */

/** The installed version of a package, as the package resolved from `from` would load it. */
export function installedVersion(name: string, from: string): string {
  const require = createRequire(from);
  // Not every package exports ./package.json: find it from the entry point instead.
  let dir = require.resolve(name);
  for (;;) {
    const parent = dir.slice(0, dir.lastIndexOf("/"));
    if (parent === dir || parent === "") throw new Error(`package.json of ${name} not found`);
    dir = parent;
    try {
      const manifest = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as { name?: string; version?: string };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // no package.json at this level
    }
  }
}

/**
 * Throws unless every package of `pinned` is installed at that version (`found`: the installed ones),
 * naming the module that depends on them and what to re-verify before updating its pins.
 */
export function checkPinned(
  module: string,
  pinned: Record<string, string>,
  found: Record<string, string>,
  reVerify: string[],
): void {
  const changed = Object.keys(pinned).filter((name) => found[name] !== pinned[name]);
  if (changed.length === 0) return;
  throw new Error(
    `${module} relies on internals verified with ${changed
      .map((name) => `${name} ${pinned[name]} (installed: ${found[name]})`)
      .join(", ")}. Before upgrading, re-verify:\n- ${reVerify.join("\n- ")}`,
  );
}
