/**
 * `npm run bench:booking-scale` (issue 15 point 6): bench:http's booking creation on a fresh small
 * database (a few hundred listings) and on the big one `npm run seed:scale` builds
 * (SCALE_DATABASE_URL: 200,000 listings, 2,400,000 bookings), in the same run, alternating
 * small, big, small, big (BENCH_ROUNDS rounds), so the machine's drift hits both alike. Both book
 * nights from day 200 on (past the big database's seeded 180 days, so no stay is refused for
 * nights the seed took: what differs is the size of every table and index the hold touches).
 * Prints each run's figure, the medians and the ratio big ÷ small (target ≥ 0.80: within 20%).
 * Loopback only, bounded: each run is bench:http's booking scenario (BENCH_SECONDS, 10 s default).
 */
import { execFileSync } from "node:child_process";

const big = process.env.SCALE_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/nexus_scale";
const ROUNDS = Math.min(Number(process.env.BENCH_ROUNDS ?? 2), 5);

function once(database: "small" | "big"): number {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_ONLY: "booking", BENCH_FIRST_NIGHT: "200" };
  if (database === "big") env.BENCH_DATABASE_URL = big;
  else delete env.BENCH_DATABASE_URL;
  const out = execFileSync("npx", ["tsx", "scripts/bench/http.ts"], { env, encoding: "utf8", timeout: 180_000 });
  const line = out.split("\n").find((l) => l.startsWith("booking creation ") && l.includes("req/s,"));
  const durability = out.split("\n").find((l) => /fsync/.test(l));
  if (!line) throw new Error(`no figure in:\n${out}`);
  console.log(`${database.padEnd(6)} ${line}${durability ? `  [${durability.trim()}]` : ""}`);
  return Number(/booking creation (\d+) req\/s/.exec(line)![1]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const small: number[] = [];
const large: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  small.push(once("small"));
  large.push(once("big"));
}
const ratio = median(large) / median(small);
console.log(
  `\nbooking creation, median req/s: small ${median(small).toFixed(0)}, big ${median(large).toFixed(0)}; ` +
    `big ÷ small = ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? "PASS" : "FAIL"}`,
);
