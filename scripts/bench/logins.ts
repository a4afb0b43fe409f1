/**
 * Login recording benchmark (bounded, loopback only): what the GeoIP enrichment and the security
 * checks add to each login. On its own database (cloned from the test template), it prints:
 * - GeoIP lookups per second on the shipped database (random public IPv4), next to the cost of
 *   `net.isIP` on the same addresses (the floor: parsing the string);
 * - recordLoginAttempt through execute() (enrichment, the insert, the new-country/device check against
 *   an account with 50 earlier logins; or the brute-force counts for a failure), p50/p99, next to a
 *   plain insert of the same row in its own transaction (what recording cost before), and the ratio.
 * Medians of ROUNDS rounds; whether PostgreSQL ran durable is printed first.
 *
 *   npm run bench:logins            (BENCH_LOGINS=400 attempts per round)
 */
import { isIP } from "node:net";
import { benchDatabase } from "./benchDatabase.js";

const ROUNDS = 3;
const ATTEMPTS = Math.min(Number(process.env.BENCH_LOGINS ?? 400), 2000);
const LOOKUPS = 200_000;

const database = benchDatabase("logins");
await database.create();
process.env.LOG_LEVEL = "warn";

const { initOrm } = await import("../../shared/db/orm.js");
const { createRedis } = await import("../../shared/redis.js");
const { execute } = await import("../../shared/domain/commands/execute.js");
const { recordLoginAttempt } = await import("../../shared/domain/accounts/recordLoginAttempt.js");
const { GeoIp } = await import("../../shared/geoip/geoIp.js");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const randomIpv4 = () =>
  `${1 + Math.floor(Math.random() * 222)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

const orm = await initOrm();
const redis = createRedis("bench-logins");
const deps = { orm, redis };
try {
  // 1. Lookups.
  const geo = await GeoIp.open({ reloadCheckMs: 60_000 });
  const ips = Array.from({ length: LOOKUPS }, randomIpv4);
  const lookupRates: number[] = [];
  const parseRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t = process.hrtime.bigint();
    let found = 0;
    for (const ip of ips) if (geo.lookup(ip).country) found++;
    lookupRates.push(LOOKUPS / (Number(process.hrtime.bigint() - t) / 1e9));
    t = process.hrtime.bigint();
    let valid = 0;
    for (const ip of ips) if (isIP(ip)) valid++;
    parseRates.push(LOOKUPS / (Number(process.hrtime.bigint() - t) / 1e9));
    if (round === 0) console.log(`GeoIP: ${found} of ${valid} random IPv4 addresses placed in a country`);
  }
  geo.close();
  console.log(
    `GeoIP lookups/s (median of ${ROUNDS}): ${Math.round(median(lookupRates)).toLocaleString("en")}; reference net.isIP/s: ${Math.round(median(parseRates)).toLocaleString("en")}`,
  );

  // 2. Recording. One account with 50 earlier successful logins from one place and device.
  const conn = orm.em.getConnection();
  const [user] = await conn.execute<{ id: string }[]>(
    "insert into users (email, name, role, password_hash) values ('bench@example.test', 'Bench', 'guest', 'x') returning id",
  );
  await conn.execute(
    `insert into login_events (user_id, email, ip, user_agent, success, ip_kind, country, browser, os)
     select ?, 'bench@example.test', '8.8.8.8', 'ua', true, 'public', 'US', 'Firefox', 'Linux' from generate_series(1, 50)`,
    [user.id],
  );
  const ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  const time = async (fn: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const rows: { name: string; p50: number[]; p99: number[] }[] = [
    { name: "plain insert (reference)", p50: [], p99: [] },
    { name: "recordLoginAttempt, success", p50: [], p99: [] },
    { name: "recordLoginAttempt, failure", p50: [], p99: [] },
  ];
  for (let round = 0; round < ROUNDS; round++) {
    const samples: number[][] = [[], [], []];
    for (let i = 0; i < ATTEMPTS; i++) {
      samples[0].push(
        await time(() =>
          orm.em
            .fork()
            .transactional((em) =>
              em
                .getConnection()
                .execute(
                  "insert into login_events (user_id, email, ip, user_agent, success) values (?, 'bench@example.test', '8.8.4.4', ?, true)",
                  [user.id, ua],
                  "run",
                  em.getTransactionContext(),
                ),
            ),
        ),
      );
      samples[1].push(
        await time(() =>
          execute(
            recordLoginAttempt,
            {
              actor: null,
              input: { userId: user.id, email: "bench@example.test", ip: "8.8.4.4", userAgent: ua, success: true },
            },
            deps,
          ),
        ),
      );
      samples[2].push(
        await time(() =>
          execute(
            recordLoginAttempt,
            {
              actor: null,
              input: { userId: user.id, email: "bench@example.test", ip: randomIpv4(), userAgent: ua, success: false },
            },
            deps,
          ),
        ),
      );
    }
    samples.forEach((s, i) => {
      rows[i].p50.push(pct(s, 0.5));
      rows[i].p99.push(pct(s, 0.99));
    });
  }
  const reference = median(rows[0].p50);
  console.log(`\nrecording one login attempt, ${ATTEMPTS} per round, sequential (median of ${ROUNDS} rounds):`);
  for (const row of rows) {
    const p50 = median(row.p50);
    console.log(
      `  ${row.name.padEnd(30)} p50 ${p50.toFixed(2)} ms  p99 ${median(row.p99).toFixed(2)} ms  ×${(p50 / reference).toFixed(2)} of the reference`,
    );
  }
} finally {
  await orm.close();
  redis.disconnect();
  await database.drop();
}
