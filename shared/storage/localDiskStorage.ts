import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ObjectStorage } from "./objectStorage.js";

/** A storage key we write: lower-case letters, digits, dashes, dots and slashes, no "..". */
const KEY = /^[a-z0-9][a-z0-9./-]{0,300}$/;

/**
 * The local-disk driver: objects are files under `root` (MEDIA_DIR, under the data folder by
 * default). Each is written to a temporary name and renamed into place, so a file at a key is always
 * whole, and a crash mid-write leaves only a `.tmp-` file that no key names.
 */
export class LocalDiskStorage implements ObjectStorage {
  readonly driver = "local" as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of a key, refusing any key that is not ours or would leave the root. */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!KEY.test(key) || key.includes("..") || !path.startsWith(this.root + sep)) {
      throw new Error(`not a storage key: ${JSON.stringify(key)}`);
    }
    return path;
  }

  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      await writeFile(temporary, body, { flag: "wx" });
      await rename(temporary, path);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async remove(keys: string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const key of keys) {
      const path = this.pathOf(key);
      await rm(path, { force: true });
      dirs.add(dirname(path));
    }
    // A photo's folder goes with its last file (ENOTEMPTY: another photo's files are still there).
    for (const dir of dirs) await rmdir(dir).catch(() => {});
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
        throw err;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else out.push(relative(this.root, path).split(sep).join("/"));
      }
    };
    await walk(this.root);
    return out.filter((key) => key.startsWith(prefix)).sort();
  }
}
