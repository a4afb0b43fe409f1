import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { nginxMainConf, SHIPPED_NGINX_CONF, templateNginxConf } from "../nginxConf.js";
import { type Cluster, type Managed, ROOT } from "./cluster.js";

const run = promisify(execFile);
const NGINX = "/usr/sbin/nginx";

async function ensureNginx(say: (line: string) => void): Promise<void> {
  if (existsSync(NGINX)) return;
  if (process.getuid?.() !== 0) throw new Error(`${NGINX} is missing; install it: sudo apt-get install -y nginx`);
  say("installing nginx with apt (Debian's package; the run starts its own instance, never the system one)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // A fresh machine (CI) may have no package lists yet.
  await run("apt-get", ["update", "-qq"], { env });
  await run("apt-get", ["install", "-y", "-qq", "nginx"], { env });
  if (!existsSync(NGINX)) throw new Error(`apt-get installed nginx but ${NGINX} is still missing`);
}

/**
 * nginx in the foreground with its own prefix, pid, logs and temp folders under the run's
 * directory (the machine's nginx, if any, is not touched), as a supervised process.
 */
export async function startNginx(
  cluster: Cluster,
  options: { dir: string; port: number; redirectPort: number; webPorts: number[]; env: Record<string, string> },
  say: (line: string) => void,
): Promise<Managed> {
  await ensureNginx(say);
  const prefix = join(options.dir, "nginx");
  // Workers run as nobody when nginx starts as root: their temp folders must be theirs to write.
  for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
    await mkdir(join(prefix, "temp", sub), { recursive: true });
    await chmod(join(prefix, "temp", sub), 0o777);
  }
  // The shipped file, its TLS server served as plain HTTP (the run's clients speak HTTP): nginx still
  // loads the certificate it names, so one is made like in development.
  const certDir = join(prefix, "certs");
  await run("bash", [join(ROOT, "scripts/devCert.sh"), certDir]);
  const shipped = await readFile(SHIPPED_NGINX_CONF, "utf8");
  const conf = templateNginxConf(shipped, {
    httpPort: options.redirectPort,
    mainPort: options.port,
    tls: false,
    webPorts: options.webPorts,
    certDir,
  });
  await writeFile(join(prefix, "default.conf"), conf);
  const logs = join(options.dir, "logs");
  await writeFile(join(prefix, "nginx.conf"), nginxMainConf(prefix, logs));
  const args = ["-p", prefix, "-c", join(prefix, "nginx.conf")];
  await run(NGINX, [...args, "-t", "-q"]);
  // nginx prints nothing when it starts in the foreground; readiness is probed over HTTP instead.
  return cluster.add({ name: "nginx", command: NGINX, args, env: options.env, ready: /^$/ });
}
