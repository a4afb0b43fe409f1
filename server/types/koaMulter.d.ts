// @koa/multer ships no types: the part of its API we use (multer's own options, a Koa middleware).
declare module "@koa/multer" {
  import type { Middleware } from "koa";

  interface Limits {
    fileSize?: number;
    files?: number;
    fields?: number;
    fieldSize?: number;
    parts?: number;
    headerPairs?: number;
  }
  interface StorageEngine {
    readonly _storage: unique symbol;
  }
  interface Multer {
    single(field: string): Middleware;
  }
  interface MulterFactory {
    (options: { storage?: StorageEngine; limits?: Limits }): Multer;
    memoryStorage(): StorageEngine;
  }
  const multer: MulterFactory;
  export default multer;
}
