import type { Verdict } from "./checker.js";
import type { UserSocket } from "./clients.js";
import type { FaultKind, FaultRecord } from "./faults.js";
import type { RequestLog } from "./http.js";

export interface Figures {
  requests: RequestLog;
  /** Booking attempts by how they ended (created, conflict, unknown = no final answer, other). */
  attempts: Record<string, number>;
  faults: FaultRecord[];
  sockets: UserSocket[];
  bookings: Record<string, number>;
  payments: Record<string, number>;
  emails: number;
  settleMs: number;
  settled: boolean;
  unsettled: string[];
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + " ".repeat(width - text.length));

export function printTable(verdicts: Verdict[], out: (line: string) => void): void {
  const width = Math.max(...verdicts.map((v) => v.name.length));
  out("");
  out(`${pad("invariant", width)}  result  detail`);
  out(`${"-".repeat(width)}  ------  ${"-".repeat(40)}`);
  for (const v of verdicts) out(`${pad(v.name, width)}  ${v.pass ? "PASS  " : "FAIL  "}  ${v.detail}`);
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function eventDelays(sockets: UserSocket[]): { max: number; p50: number; p99: number } {
  const delays = sockets.flatMap((s) => s.received.map((r) => r.receivedAt - r.at));
  return {
    max: delays.length ? Math.max(...delays) : 0,
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
  };
}

export function faultCounts(faults: FaultRecord[]): Record<FaultKind | string, number> {
  const counts: Record<string, number> = {};
  for (const f of faults) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
}

export function printFigures(f: Figures, out: (line: string) => void): void {
  out("");
  out("figures");
  const outcomes = [...f.requests.byOutcome].sort(([a], [b]) => a.localeCompare(b));
  out(`  requests: ${f.requests.total} (${outcomes.map(([k, n]) => `${k}: ${n}`).join(", ")})`);
  for (const [label, byOutcome] of [...f.requests.byLabel].sort(([a], [b]) => a.localeCompare(b))) {
    out(`    ${pad(label, 32)} ${[...byOutcome].map(([k, n]) => `${k}: ${n}`).join(", ")}`);
  }
  out(
    `  faults injected: ${f.faults.length} (${Object.entries(faultCounts(f.faults))
      .map(([k, n]) => `${k}: ${n}`)
      .join(", ")})`,
  );
  for (const fault of f.faults) {
    const ready = fault.readyAfterMs === null ? "NOT READY in time" : `ready after ${fault.readyAfterMs} ms`;
    out(`    ${pad(fault.kind, 17)} ${ready} — ${fault.detail}`);
  }
  const delays = eventDelays(f.sockets);
  out(
    `  event delay (receive − commit): max ${delays.max} ms, p50 ${delays.p50} ms, p99 ${delays.p99} ms over ${f.sockets.reduce((n, s) => n + s.received.length, 0)} deliveries`,
  );
  const sum = (pick: (s: UserSocket) => number) => f.sockets.reduce((n, s) => n + pick(s), 0);
  out(
    `  sockets: ${f.sockets.length}; connects ${sum((s) => s.connects)}, disconnects ${sum((s) => s.disconnects)}, connect errors ${sum((s) => s.connectErrors)}, reloads ${sum((s) => s.reloads)}`,
  );
  out(`  booking attempts: ${JSON.stringify(f.attempts)}`);
  out(`  bookings by status: ${JSON.stringify(f.bookings)}; payments by status: ${JSON.stringify(f.payments)}`);
  out(`  emails received: ${f.emails}`);
  out(
    `  settle: ${f.settled ? `done in ${f.settleMs} ms` : `NOT settled after ${f.settleMs} ms: ${f.unsettled.join("; ")}`}`,
  );
}
