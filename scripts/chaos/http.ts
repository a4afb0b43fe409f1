import { setTimeout as sleep } from "node:timers/promises";

/** A request slower than this counts as a hang (the issue: answer 503 within 5 s, never hang). */
export const HANG_MS = 15_000;

export interface Answer {
  /** null when no HTTP answer came (connection refused or reset, timeout). */
  status: number | null;
  body: any;
  error?: string;
  ms: number;
}

export interface Anomaly {
  at: number;
  label: string;
  status: number | null;
  error?: string;
  detail: string;
}

/** Every request's outcome, counted by route and by outcome class; 500s and hangs kept in full. */
export class RequestLog {
  readonly byOutcome = new Map<string, number>();
  readonly byLabel = new Map<string, Map<string, number>>();
  readonly anomalies: Anomaly[] = [];
  total = 0;

  record(label: string, answer: Answer): void {
    this.total++;
    const outcome = outcomeOf(answer);
    this.byOutcome.set(outcome, (this.byOutcome.get(outcome) ?? 0) + 1);
    const perLabel = this.byLabel.get(label) ?? new Map<string, number>();
    perLabel.set(outcome, (perLabel.get(outcome) ?? 0) + 1);
    this.byLabel.set(label, perLabel);
    if (answer.status === 500 || outcome === "hang") {
      this.anomalies.push({
        at: Date.now(),
        label,
        status: answer.status,
        error: answer.error,
        detail: JSON.stringify(answer.body ?? null).slice(0, 300),
      });
    }
  }
}

export function outcomeOf(answer: Answer): string {
  if (answer.status !== null) return String(answer.status);
  return answer.error === "timeout" ? "hang" : "connection error";
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  idempotencyKey?: string;
  /** The client address the app sees (X-Forwarded-For, trusted behind nginx): one per virtual user. */
  ip?: string;
  /** How the request is counted, e.g. "POST /bookings" (ids stripped). */
  label: string;
}

export class Api {
  constructor(
    readonly baseUrl: string,
    readonly log: RequestLog,
  ) {}

  async call(method: string, path: string, options: CallOptions): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
    if (options.ip) headers["x-forwarded-for"] = options.ip;
    const started = performance.now();
    let answer: Answer;
    try {
      // A full URL (the sandbox's checkout page) goes there; a path goes through nginx.
      const response = await fetch(path.startsWith("http") ? path : `${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: "manual",
        signal: AbortSignal.timeout(HANG_MS),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // nginx's own error pages are HTML; keep the text.
      }
      answer = { status: response.status, body, ms: performance.now() - started };
    } catch (err) {
      const name = (err as Error).name;
      answer = {
        status: null,
        body: null,
        error: name === "TimeoutError" ? "timeout" : describe(err),
        ms: performance.now() - started,
      };
    }
    this.log.record(options.label, answer);
    return answer;
  }

  /**
   * Retries what a careful client retries (no answer, 502/503/504, 429, an idempotent request still
   * in progress) with the same Idempotency-Key, so a retry can never do the work twice. Gives up
   * after `budgetMs`; the last answer is returned either way.
   */
  async callWithRetries(method: string, path: string, options: CallOptions, budgetMs = 20_000): Promise<Answer> {
    const deadline = Date.now() + budgetMs;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.call(method, path, options);
      if (!isTransient(answer) || Date.now() > deadline) return answer;
      await sleep(Math.min(4000, 300 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
}

export function isTransient(answer: Answer): boolean {
  if (answer.status === null) return true;
  if ([429, 502, 503, 504].includes(answer.status)) return true;
  return answer.status === 409 && answer.body?.error?.code === "idempotency_conflict";
}

export function errorCode(answer: Answer): string | null {
  return typeof answer.body?.error?.code === "string" ? answer.body.error.code : null;
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
