import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import nodemailer from "nodemailer";
import { config } from "../config.js";
import { logger } from "../logger.js";

export interface OutgoingEmail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Deterministic (one per side effect), so every copy of one email carries the same Message-ID. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SendResult {
  /** The SMTP server's final reply (SMTP mode). */
  response?: string;
  /** Where the message was written (file mode). */
  file?: string;
}

export interface Mailer {
  readonly kind: "smtp" | "files";
  /** Resolves once the server accepted the message (or the file is written); rejects otherwise. */
  send(email: OutgoingEmail): Promise<SendResult>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string;
  dir?: string;
  from?: string;
  timeoutMs?: number;
  maxConnections?: number;
}

/**
 * Emails go out over SMTP when SMTP_URL is set. Without it (development), each message is written as
 * an .eml file to MAIL_DIR and its path is logged: open it in any mail client.
 */
export function createMailer(options: MailerOptions = {}): Mailer {
  const smtpUrl = options.smtpUrl ?? config.SMTP_URL;
  const from = options.from ?? config.MAIL_FROM;
  return smtpUrl ? smtpMailer(smtpUrl, from, options) : fileMailer(resolve(options.dir ?? config.MAIL_DIR), from);
}

function smtpMailer(url: string, from: string, options: MailerOptions): Mailer {
  const timeout = options.timeoutMs ?? config.SMTP_TIMEOUT_MS;
  // Pooled: a worker sending many emails reuses its connections instead of a handshake per message.
  // Timeouts bound every phase, so a stalled server fails the attempt (retried) instead of holding
  // the job until its lock expires.
  const transport = nodemailer.createTransport(
    {
      url,
      pool: true,
      maxConnections: options.maxConnections ?? config.SMTP_MAX_CONNECTIONS,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    },
    { from },
  );
  return {
    kind: "smtp",
    async send(email) {
      const info = await transport.sendMail({ ...email, to: email.to });
      return { response: info.response };
    },
    close: () => transport.close(),
  };
}

function fileMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }, { from });
  return {
    kind: "files",
    async send(email) {
      const info = await transport.sendMail({ ...email, to: email.to });
      await mkdir(dir, { recursive: true });
      // Named after the Message-ID: sending the same email again rewrites the same file.
      const file = join(dir, `${email.messageId.replace(/[^\w.-]+/g, "_").replace(/^_|_$/g, "")}.eml`);
      // Written then renamed, so a reader never sees half a message.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
      logger.info({ file, to: email.to.address, subject: email.subject }, "email written to file (SMTP_URL not set)");
      return { file };
    },
    close: () => transport.close(),
  };
}
