import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message the server ACCEPTED (answered 250 to), decoded enough for assertions. */
export interface ReceivedMail {
  envelopeTo: string[];
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  to: string;
  text: string;
  html: string;
  raw: string;
}

type Mode = { kind: "accept" } | { kind: "refuse"; left: number; code: number } | { kind: "reject"; code: number };

/**
 * A real SMTP server on loopback (smtp-server) for tests. It collects accepted messages, and can
 * refuse the next N messages with a 4xx, reject every message with a 5xx, or stall the DATA phase
 * of the next message (never answering it, so the client has not been told it was accepted).
 */
export class TestSmtp {
  readonly messages: ReceivedMail[] = [];
  /** Messages whose DATA was received, whatever the answer. */
  dataAttempts = 0;
  private mode: Mode = { kind: "accept" };
  private stallNext = false;
  private stalled: (() => void)[] = [];
  private held: { received: () => void; release: Promise<void> } | null = null;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<TestSmtp> {
    let self: TestSmtp | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => self!.onMessage(Buffer.concat(chunks).toString("utf8"), session, callback));
      },
    });
    server.listen(0, "127.0.0.1");
    await once(server.server, "listening");
    const { port } = server.server.address() as AddressInfo;
    self = new TestSmtp(server, `smtp://127.0.0.1:${port}`);
    return self;
  }

  /** Answer the next `count` messages with `code` (default 451, a transient refusal). */
  refuseNext(count: number, code = 451): void {
    this.mode = { kind: "refuse", left: count, code };
  }

  /** Answer every message with `code` (default 550, a permanent rejection) until accept(). */
  rejectAll(code = 550): void {
    this.mode = { kind: "reject", code };
  }

  accept(): void {
    this.mode = { kind: "accept" };
  }

  /** Never answer the next message's DATA. Resolves once that message has been fully received. */
  stallNextData(): Promise<void> {
    this.stallNext = true;
    return new Promise((resolve) => this.stalled.push(resolve));
  }

  /**
   * Holds the answer to the next message's DATA until `release()`, then accepts it. `received`
   * resolves once the message is in (the client is waiting for the server's answer).
   */
  holdNextData(): { received: Promise<void>; release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const received = new Promise<void>((resolve) => {
      this.held = { received: resolve, release: released };
    });
    return { received, release };
  }

  async waitForMessages(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} emails, got ${this.messages.length} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onMessage(
    raw: string,
    session: { envelope: { rcptTo: { address: string }[] } },
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    this.dataAttempts++;
    if (this.stallNext) {
      this.stallNext = false;
      for (const resolve of this.stalled.splice(0)) resolve();
      return; // no answer: the client waits, and the message is not accepted
    }
    const held = this.held;
    if (held) {
      this.held = null;
      held.received();
      void held.release.then(() => this.accepted(raw, session, callback));
      return;
    }
    const mode = this.mode;
    if (mode.kind === "refuse" && mode.left > 0) {
      mode.left--;
      if (mode.left === 0) this.accept();
      callback(Object.assign(new Error("Try again later (test)"), { responseCode: mode.code }));
      return;
    }
    if (mode.kind === "reject") {
      callback(Object.assign(new Error("Mailbox unavailable (test)"), { responseCode: mode.code }));
      return;
    }
    this.accepted(raw, session, callback);
  }

  private accepted(
    raw: string,
    session: { envelope: { rcptTo: { address: string }[] } },
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    this.messages.push({ ...decodeMessage(raw), envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw });
    for (const wake of this.waiters.splice(0)) wake();
    callback(null, "Accepted (test)");
  }
}

// --- just enough MIME to read what nodemailer writes -------------------------------------------

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < input.length; i++) {
    if (input[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(input.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(input[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep === -1 ? raw : raw.slice(0, sep);
  const body = sep === -1 ? "" : raw.slice(sep).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

function collectParts(headers: Record<string, string>, body: string, out: { text: string; html: string }): void {
  const type = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith("multipart/") && boundary) {
    const parts = body.split(`--${boundary}`).slice(1);
    for (const part of parts) {
      if (part.startsWith("--")) break;
      const parsed = splitHead(part.replace(/^\r?\n/, ""));
      collectParts(parsed.headers, parsed.body, out);
    }
  } else if (type.startsWith("text/html")) {
    out.html += decodeBody(headers, body);
  } else if (type.startsWith("text/plain")) {
    out.text += decodeBody(headers, body);
  }
}

export function decodeMessage(raw: string): Omit<ReceivedMail, "envelopeTo" | "raw"> {
  const { headers, body } = splitHead(raw);
  const out = { text: "", html: "" };
  collectParts(headers, body, out);
  return {
    headers,
    subject: headers.subject ?? "",
    messageId: headers["message-id"] ?? "",
    to: headers.to ?? "",
    text: out.text.replace(/\r\n/g, "\n"),
    html: out.html,
  };
}
