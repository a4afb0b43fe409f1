/**
 * The shipped deploy/nginx/nexus.conf, made to run on loopback by the tests (test/proxy.test.ts, with
 * TLS) and the chaos run (scripts/chaos/nginx.ts, over plain HTTP). The only edits: where each server
 * listens, which upstream `$upstream` names (an `upstream` block of the web ports instead of Docker's
 * `web` service: nginx takes a variable proxy_pass that names a declared upstream group as that group,
 * so the resolver is never asked), the certificate folder, and the redirect's port. Every other line
 * (TLS settings, WebSocket upgrade, timeouts, proxy_next_upstream, the JSON error pages) is the
 * shipped one. A replacement that no longer matches throws: the file changed, and testing a config
 * that is not the shipped one would prove nothing.
 */
import { fileURLToPath } from "node:url";

export const SHIPPED_NGINX_CONF = fileURLToPath(new URL("../deploy/nginx/nexus.conf", import.meta.url));

export interface LocalNginx {
  /** Plain HTTP (the redirect server). */
  httpPort: number;
  /** The TLS server's port; with `tls: false` it serves plain HTTP there (the chaos run). */
  mainPort: number;
  tls: boolean;
  webPorts: number[];
  /** Holds nexus.crt and nexus.key (scripts/devCert.sh). */
  certDir: string;
  /** Test-only: a shorter upstream read timeout than the shipped 1 h, to provoke a 504 in seconds. */
  readTimeout?: string;
}

export function templateNginxConf(shipped: string, o: LocalNginx): string {
  const replace = (text: string, from: string, to: string) => {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`deploy/nginx/nexus.conf: expected "${from}" exactly once, found ${count}`);
    return text.replace(from, to);
  };
  let conf = replace(shipped, "listen 80 default_server;", `listen 127.0.0.1:${o.httpPort} default_server;`);
  conf = replace(
    conf,
    "listen 443 ssl default_server;",
    `listen 127.0.0.1:${o.mainPort}${o.tls ? " ssl" : ""} default_server;`,
  );
  conf = replace(conf, "return 308 https://$host$request_uri;", `return 308 https://$host:${o.mainPort}$request_uri;`);
  conf = replace(conf, "set $upstream http://web:3000;", "set $upstream http://nexus_web;");
  conf = replace(conf, "ssl_certificate /etc/nginx/certs/", `ssl_certificate ${o.certDir}/`);
  conf = replace(conf, "ssl_certificate_key /etc/nginx/certs/", `ssl_certificate_key ${o.certDir}/`);
  if (o.readTimeout) conf = replace(conf, "proxy_read_timeout 1h;", `proxy_read_timeout ${o.readTimeout};`);
  const servers = o.webPorts.map((port) => `    server 127.0.0.1:${port};`).join("\n");
  return `# Generated from deploy/nginx/nexus.conf (scripts/nginxConf.ts)\nupstream nexus_web {\n${servers}\n}\n\n${conf}`;
}

/** The main nginx.conf around it, like the official image's (which includes conf.d/default.conf inside http {}). */
export function nginxMainConf(prefix: string, logs: string): string {
  return `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${logs}/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log ${logs}/nginx-access.log;
    client_body_temp_path ${prefix}/temp/client_body;
    proxy_temp_path ${prefix}/temp/proxy;
    fastcgi_temp_path ${prefix}/temp/fastcgi;
    uwsgi_temp_path ${prefix}/temp/uwsgi;
    scgi_temp_path ${prefix}/temp/scgi;
    include ${prefix}/default.conf;
}
`;
}
