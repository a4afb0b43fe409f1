import { execFile } from "node:child_process";
import { once } from "node:events";
import { appendFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { SMTPServer } from "smtp-server";
import { decodeMessage } from "../../test/helpers/smtp.js";

const run = promisify(execFile);

export interface RecordedMail {
  messageId: string;
  to: string;
  subject: string;
  at: number;
  /** The client's port: which worker connection it came over. */
  port: number;
}

/** A worker the run SIGKILLed, with its SMTP connections at that moment. */
export interface WorkerKill {
  at: number;
  pid: number;
  ports: number[];
}

/**
 * The run's mail server: a real SMTP server on loopback that records every message it ACCEPTED
 * (answered 250 to). Each DATA is answered after a random 200-800 ms, like a remote server, so that
 * "kill a worker in the middle of sending" has a middle to hit: a session that closes during that
 * wait (its worker was killed) has not been told 250, so its message is not recorded, and the
 * retry must deliver it exactly once.
 */
export class MailRecorder {
  readonly messages: RecordedMail[] = [];
  /** Workers killed by the run (kill-worker), to tell SMTP's own duplicate window from a defect. */
  readonly kills: WorkerKill[] = [];
  /** DATA phases being answered right now: session id → client port. */
  private readonly inData = new Map<string, number>();
  private readonly closed = new Set<string>();
  /** While set, answers wait: a worker is being killed (see holdAnswers). */
  private held: Promise<void> | null = null;
  refusedClosed = 0;

  /** Where every accepted and refused message is written, one line each (for the post-mortem). */
  logFile: string | null = null;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  private note(line: string): void {
    if (this.logFile) appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<MailRecorder> {
    let self: MailRecorder | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      logger: false,
      closeTimeout: 100,
      onClose(session) {
        self?.closed.add(session.id);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => void self!.accept(Buffer.concat(chunks).toString("utf8"), session, callback));
      },
    });
    // A killed worker's connection is reset under the server's feet: expected here, not fatal.
    server.on("error", (err) => self?.note(`server error (a client went away): ${err.message}`));
    server.listen(0, "127.0.0.1");
    await once(server.server, "listening");
    self = new MailRecorder(server, (server.server.address() as AddressInfo).port);
    return self;
  }

  private async accept(
    raw: string,
    session: { id: string; remotePort: number },
    callback: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    this.inData.set(session.id, session.remotePort);
    await sleep(200 + Math.random() * 600);
    while (this.held) await this.held;
    this.inData.delete(session.id);
    if (this.closed.has(session.id)) {
      this.refusedClosed++;
      this.note(`not accepted (session ${session.id} from port ${session.remotePort} closed) ${messageIdOf(raw)}`);
      callback(new Error("session closed before the answer"));
      return;
    }
    const mail = decodeMessage(raw);
    this.note(`accepted ${mail.messageId} (session ${session.id} from port ${session.remotePort}) to ${mail.to}`);
    this.messages.push({
      messageId: mail.messageId,
      to: mail.to,
      subject: mail.subject,
      at: Date.now(),
      port: session.remotePort,
    });
    callback(null, "Accepted (chaos)");
  }

  /**
   * Holds every answer while `during` runs (the kill of a worker), then 300 ms more. Why: the kernel
   * closes a killed process's sockets some milliseconds after the signal, and an answer written in
   * that gap would be "accepted" by this server although the dead client never read it: that is
   * SMTP's own ambiguity (sendEmail's documented window), not what the fault means to test, which is
   * a worker killed BEFORE the server accepted its message. Answers given before the hold still
   * count, so a worker killed between a 250 and its commit still shows as a duplicate.
   */
  async holdAnswers<T>(during: () => Promise<T>): Promise<T> {
    let release = () => {};
    this.held = new Promise((resolve) => {
      release = resolve;
    });
    try {
      return await during();
    } finally {
      await sleep(300);
      this.held = null;
      release();
    }
  }

  /** Client port → pid of every SMTP connection open now (from the kernel's socket table). */
  private async connections(): Promise<Map<number, number>> {
    const { stdout } = await run("ss", ["-tnpH", "state", "established", `( dport = :${this.port} )`]).catch(() => ({
      stdout: "",
    }));
    const byPort = new Map<number, number>();
    for (const line of stdout.split("\n")) {
      const local = /127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:\d+/.exec(line);
      const pid = /pid=(\d+)/.exec(line);
      if (local && pid) byPort.set(Number(local[1]), Number(pid[1]));
    }
    return byPort;
  }

  /** Pids of the processes whose SMTP session is in DATA right now. */
  async pidsSending(): Promise<number[]> {
    const ports = new Set(this.inData.values());
    if (!ports.size) return [];
    const byPort = await this.connections();
    return [...new Set([...ports].flatMap((port) => (byPort.has(port) ? [byPort.get(port)!] : [])))];
  }

  /** The client ports of one process's SMTP connections. */
  async portsOf(pid: number): Promise<number[]> {
    return [...(await this.connections())].filter(([, p]) => p === pid).map(([port]) => port);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function messageIdOf(raw: string): string {
  return /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? "?";
}
