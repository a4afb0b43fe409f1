import { connectRealtime, type RealtimeClient } from "../../shared/browser/client.js";
import { EVENT_TYPES, type EventEnvelope } from "../../shared/events/eventMap.js";

export interface Received {
  id: number;
  type: string;
  /** The event's commit time (envelope `at`) and when this client got it, both epoch ms. */
  at: number;
  receivedAt: number;
}

/**
 * One user's live connection as the browser makes it: the shared real-time client
 * (shared/events/client.ts: websocket only, resume with `lastEventId` = the greatest id seen), plus
 * a raw log of every envelope the server sent, BEFORE the client's dedupe, so the checker sees what
 * the server really delivered (a duplicate the client would hide is still a duplicate).
 */
export class UserSocket {
  readonly received: Received[] = [];
  connects = 0;
  disconnects = 0;
  connectErrors = 0;
  reloads = 0;
  /** Connection history (for the post-mortem): what happened when, and the resume point sent. */
  readonly timeline: { at: number; what: string; lastEventId?: number }[] = [];
  private client: RealtimeClient;

  constructor(
    private readonly url: string,
    readonly userId: string,
    readonly label: string,
    private readonly token: string,
    /** The cursor of the first connection; 0 = "everything of mine", so the expected set is exact. */
    readonly firstCursor = 0,
  ) {
    this.client = this.open(firstCursor);
  }

  private open(lastEventId: number): RealtimeClient {
    const client = connectRealtime(this.url, {
      token: this.token,
      lastEventId,
      socketOptions: {
        transports: ["websocket"],
        forceNew: true,
        reconnectionDelay: 300,
        reconnectionDelayMax: 2000,
        timeout: 5000,
      },
    });
    const socket = client.socket;
    socket.onAny((name: string, envelope: EventEnvelope) => {
      if (!(EVENT_TYPES as readonly string[]).includes(name) || typeof envelope?.id !== "number") return;
      this.received.push({ id: envelope.id, type: name, at: Date.parse(envelope.at), receivedAt: Date.now() });
    });
    socket.on("connect", () => {
      this.connects++;
      this.timeline.push({ at: Date.now(), what: "connect", lastEventId: client.tracker.lastEventId ?? undefined });
    });
    socket.on("disconnect", (reason) => {
      this.disconnects++;
      this.timeline.push({ at: Date.now(), what: `disconnect: ${reason}` });
    });
    socket.on("connect_error", (err) => {
      this.connectErrors++;
      this.timeline.push({ at: Date.now(), what: `connect_error: ${err.message}` });
    });
    return client;
  }

  get connected(): boolean {
    return this.client.socket.connected;
  }

  /** The greatest id received so far (what a reload resumes from). */
  get lastId(): number {
    return this.received.reduce((max, r) => Math.max(max, r.id), this.firstCursor);
  }

  /** A page reload: the socket is dropped and a new one resumes from the greatest id seen. */
  reload(): void {
    this.reloads++;
    this.timeline.push({ at: Date.now(), what: "reload", lastEventId: this.lastId });
    this.client.close();
    this.client = this.open(this.lastId);
  }

  close(): void {
    this.client.close();
  }

  /** One JSON line for logs/clients.jsonl. */
  toJSON() {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      user: this.label,
      userId: this.userId,
      firstCursor: this.firstCursor,
      timeline: this.timeline.map((t) => ({ ...t, at: iso(t.at) })),
      received: this.received.map((r) => [r.id, r.type, iso(r.receivedAt)]),
    };
  }
}
