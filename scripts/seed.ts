/**
 * Idempotent development data: an admin, two hosts, two guests and a dozen listings in real cities,
 * each with price rules and three photos (drawn here with sharp: no downloads), added through the
 * photo command as a host would. Running it again changes nothing. Every seeded account's password
 * is "password123".
 */
import sharp from "sharp";
import { initOrm } from "../shared/db/orm.js";
import { hashPassword } from "../shared/domain/accounts/password.js";
import { execute } from "../shared/domain/commands/execute.js";
import type { Currency } from "../shared/domain/currency.js";
import { addPhoto } from "../shared/domain/photos/addPhoto.js";
import { logger } from "../shared/logger.js";
import { createRedis } from "../shared/redis.js";

/** A landscape of one listing (sky, hills, water, a sun), its colours from the listing and the view. */
function scene(seed: number, view: number): Promise<Buffer> {
  const hue = (seed * 47 + view * 83) % 360;
  const sun = 150 + ((seed * 131 + view * 57) % 900);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1067">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="hsl(${(hue + 200) % 360},70%,${55 + view * 8}%)"/>
    <stop offset="1" stop-color="hsl(${(hue + 30) % 360},80%,85%)"/></linearGradient></defs>
  <rect width="1600" height="1067" fill="url(#sky)"/>
  <circle cx="${sun}" cy="${220 + view * 40}" r="95" fill="hsl(45,95%,65%)"/>
  <path d="M0 640 Q400 ${430 + view * 30} 800 600 T1600 560 V1067 H0 Z" fill="hsl(${hue},35%,${38 + view * 6}%)"/>
  <path d="M0 800 Q500 700 1000 820 T1600 780 V1067 H0 Z" fill="hsl(${(hue + 160) % 360},45%,40%)"/>
  <rect x="${600 + view * 120}" y="700" width="220" height="150" fill="hsl(20,40%,92%)"/>
  <path d="M${580 + view * 120} 710 L${710 + view * 120} 610 L${840 + view * 120} 710 Z" fill="hsl(8,55%,42%)"/>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 86 }).toBuffer();
}

/** Price rules besides the base price, varied by listing. */
const pricingFor = (price: number, i: number) => ({
  weekendPrice: Math.round((price * (115 + (i % 3) * 10)) / 100),
  cleaningFee: Math.round(price / 4),
  includedGuests: 2,
  extraGuestFee: Math.round(price / 10),
  weeklyDiscountPercent: 5 + (i % 3) * 5,
  monthlyDiscountPercent: 20,
});

const PASSWORD = "password123";
const users = [
  { email: "admin@nexus.test", name: "Ada Admin", role: "admin" },
  { email: "host1@nexus.test", name: "Hana Host", role: "host" },
  { email: "host2@nexus.test", name: "Henok Host", role: "host" },
  { email: "guest1@nexus.test", name: "Gelila Guest", role: "guest" },
  { email: "guest2@nexus.test", name: "Gabe Guest", role: "guest" },
] as const;

const listings: [
  host: 1 | 2,
  title: string,
  city: string,
  country: string,
  price: number,
  currency: Currency,
  guests: number,
][] = [
  [1, "Bole loft with a view of the city", "Addis Ababa", "Ethiopia", 350000, "ETB", 2],
  [1, "Quiet garden house near Entoto", "Addis Ababa", "Ethiopia", 520000, "ETB", 5],
  [1, "Lakeside cottage on Lake Tana", "Bahir Dar", "Ethiopia", 280000, "ETB", 4],
  [1, "Old town guesthouse by the castles", "Gondar", "Ethiopia", 190000, "ETB", 3],
  [1, "Harar walled-city courtyard room", "Harar", "Ethiopia", 150000, "ETB", 2],
  [1, "Rift Valley lodge by Lake Langano", "Hawassa", "Ethiopia", 410000, "ETB", 6],
  [2, "Westlands studio close to everything", "Nairobi", "Kenya", 6500, "USD", 2],
  [2, "Old Town rooftop apartment", "Mombasa", "Kenya", 8900, "USD", 4],
  [2, "Canal-side flat in the Jordaan", "Amsterdam", "Netherlands", 21000, "USD", 2],
  [2, "Sunny flat in Alfama", "Lisbon", "Portugal", 14500, "USD", 3],
  [2, "Kreuzberg loft with balcony", "Berlin", "Germany", 16000, "USD", 4],
  [2, "Brooklyn brownstone garden floor", "New York", "United States", 32000, "USD", 5],
];

const orm = await initOrm();
const redis = createRedis("seed");
const conn = orm.em.getConnection();
try {
  const passwordHash = await hashPassword(PASSWORD);
  const ids: Record<string, string> = {};
  for (const u of users) {
    const [row] = await conn.execute(
      `insert into users (email, name, role, password_hash) values (?, ?, ?, ?)
       on conflict (email) do update set email = excluded.email returning id`,
      [u.email, u.name, u.role, passwordHash],
    );
    ids[u.email] = row.id;
  }
  let created = 0;
  for (const [host, title, city, country, price, currency, maxGuests] of listings) {
    const hostId = ids[`host${host}@nexus.test`];
    const result = await conn.execute(
      `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
       select ?, ?, ?, ?, ?, ?, ?, ? where not exists (select 1 from listings where host_id = ? and title = ?)`,
      [
        hostId,
        title,
        `${title}. Clean, bright and well located; self check-in.`,
        city,
        country,
        price,
        currency,
        maxGuests,
        hostId,
        title,
      ],
      "run",
    );
    created += (result as { affectedRows?: number }).affectedRows ?? 0;
  }
  let photos = 0;
  for (const [i, [host, title, , , price]] of listings.entries()) {
    const hostId = ids[`host${host}@nexus.test`];
    const [listing] = await conn.execute(
      `update listings set pricing = ?::jsonb where host_id = ? and title = ? and pricing = '{}'
       returning id, (select count(*)::int from listing_photos p where p.listing_id = listings.id) as photos`,
      [JSON.stringify(pricingFor(price, i)), hostId, title],
    );
    const [row] = listing
      ? [listing]
      : await conn.execute(
          `select id, (select count(*)::int from listing_photos p where p.listing_id = l.id) as photos
             from listings l where host_id = ? and title = ?`,
          [hostId, title],
        );
    for (let view = row.photos; view < 3; view++) {
      await execute(
        addPhoto,
        { actor: { id: hostId, role: "host" }, input: { listingId: row.id, file: await scene(i, view) } },
        { orm, redis },
      );
      photos++;
    }
  }
  logger.info(
    { users: users.length, listingsCreated: created, photosAdded: photos, seedPassword: PASSWORD },
    "seed data in place",
  );
} finally {
  await orm.close();
  redis.disconnect();
}
