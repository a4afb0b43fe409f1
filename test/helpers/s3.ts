/**
 * Imported right after env.js (before anything that loads config) by tests of the S3 driver: photo
 * storage is an S3 bucket on a local S3-compatible server (s3rver, from npm), started by useS3rver().
 */
import { randomBytes } from "node:crypto";
import test from "ava";
import S3rver from "s3rver";
import { reservePort } from "./chapa.js";

export const S3_PORT = reservePort();
export const S3_BUCKET = "nexus-photos";
export const S3_ENDPOINT = `http://127.0.0.1:${S3_PORT}`;

process.env.S3_BUCKET = S3_BUCKET;
process.env.S3_ENDPOINT = S3_ENDPOINT;
process.env.S3_REGION = "us-east-1";
process.env.S3_ACCESS_KEY_ID = "S3RVER";
process.env.S3_SECRET_ACCESS_KEY = "S3RVER";
process.env.S3_FORCE_PATH_STYLE = "true";
process.env.S3_PUBLIC_URL = `${S3_ENDPOINT}/${S3_BUCKET}`;

/** The server, for the file's tests; its objects live under test-output/s3/. */
export function useS3rver(): void {
  let server: S3rver | undefined;
  test.serial.before("start s3rver", async () => {
    server = new S3rver({
      address: "127.0.0.1",
      port: S3_PORT,
      silent: true,
      directory: `test-output/s3/${randomBytes(5).toString("hex")}`,
      configureBuckets: [{ name: S3_BUCKET, configs: [] }],
    });
    await server.run();
  });
  test.after.always("stop s3rver", async () => {
    await server?.close();
  });
}
