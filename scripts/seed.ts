/**
 * Idempotent development data: an admin, two hosts, two guests and a dozen listings in real cities.
 * Running it again changes nothing. Every seeded account's password is "password123".
 */
import { initOrm } from "../shared/db/orm.js";
import { hashPassword } from "../shared/domain/accounts/password.js";
import type { Currency } from "../shared/domain/currency.js";
import { logger } from "../shared/logger.js";

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
  logger.info({ users: users.length, listingsCreated: created, seedPassword: PASSWORD }, "seed data in place");
} finally {
  await orm.close();
}
