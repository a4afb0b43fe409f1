import "./helpers/env.js";

import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EntityManager } from "@mikro-orm/postgresql";
import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { composeEmail } from "../shared/domain/notifications/composeEmail.js";
import { createMailer } from "../shared/mail/mailer.js";
import type { EmailTemplate } from "../shared/sideEffects/sideEffectMap.js";
import { recordEmail, sideEffectRow } from "./helpers/emailFixtures.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createBooking, createGuest, createHost, createListing, day } from "./helpers/factories.js";
import { spawnEntry } from "./helpers/processes.js";
import { decodeMessage } from "./helpers/smtp.js";

let orm: Orm;
test.serial.before(async () => {
  orm = await initOrm();
});
test.after.always(async () => {
  await orm?.close();
  await closeFactories();
});

const compose = (template: EmailTemplate, bookingId: string, recipientUserId: string) =>
  composeEmail(orm.em.fork() as EntityManager, {
    id: 1,
    key: `email:${template}:${bookingId}`,
    payload: { template, bookingId, recipientUserId },
  });

test.serial(
  "without SMTP_URL, the worker writes each email as an .eml file in MAIL_DIR and logs its path",
  async (t) => {
    const worker = spawnEntry("worker/main.ts", { SMTP_URL: undefined, CRON_RELAY_OUTBOX_EVERY: "0.2 seconds" });
    t.teardown(() => worker.stop("SIGKILL"));
    await worker.waitFor(/"mail":"files".*worker started|worker started.*"mail":"files"/);
    const host = await createHost({ name: "Hana Host" });
    const guest = await createGuest();
    const listing = await createListing(host, { title: "Sunny loft" });
    const booking = await createBooking(listing, guest, {
      status: "pending_payment",
      checkIn: day(20),
      checkOut: day(22),
    });
    const id = await recordEmail("booking_alert_host", booking, host.id);

    const line = await worker.waitFor(/email written to file/, 15_000);
    const file = JSON.parse(line).file as string;
    t.true(file.startsWith(join(process.cwd(), process.env.MAIL_DIR!)), `${file} is in MAIL_DIR`);
    t.true(file.endsWith(`side-effect-${id}_nexus.eml`));
    const mail = decodeMessage(await readFile(file, "utf8"));
    t.is(mail.subject.includes("New booking"), true);
    t.true(mail.to.includes(host.email));
    t.is(mail.messageId, `<side-effect-${id}@nexus>`);
    t.true(mail.text.includes("Sunny loft"));
    t.true(mail.html.includes("<h1"));
    t.truthy(await eventually(async () => (await sideEffectRow(id)).done_at, "done_at"));
  },
);

test("the file mailer writes one file per Message-ID: sending the same email again rewrites it", async (t) => {
  const dir = join(tmpdir(), `nexus-mail-${randomUUID()}`);
  const mailer = createMailer({ smtpUrl: "", dir });
  t.teardown(() => mailer.close());
  t.is(mailer.kind, "files");
  const email = {
    to: { name: "A", address: "a@example.test" },
    subject: "Hello",
    text: "Hi",
    html: "<p>Hi</p>",
    messageId: "<side-effect-42@nexus>",
  };
  const first = await mailer.send(email);
  await mailer.send(email);
  t.deepEqual(await readdir(dir), ["side-effect-42_nexus.eml"]);
  t.is(first.file, join(dir, "side-effect-42_nexus.eml"));
});

test("a 'pay now' email for a booking that is no longer held is not sent", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const { id: booking } = await createBooking(listing, guest, { checkIn: day(30), checkOut: day(31) });
  t.deepEqual(await compose("booking_held_guest", booking, guest.id), { skip: "booking is confirmed, no longer held" });
});

test("a failed payment after the hold ended points to the place, not to a pay link", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const { id: booking } = await createBooking(listing, guest, {
    status: "expired",
    checkIn: day(33),
    checkOut: day(34),
  });
  const result = await compose("payment_failed_guest", booking, guest.id);
  if (!("email" in result)) return t.fail(result.skip);
  t.true(result.email.text.includes("The hold on these dates has ended"));
  t.true(result.email.text.includes(`/?listing=${listing.id}`));
  t.false(result.email.text.includes("Try again"));
});

test("an email whose recipient or booking is gone is not sent", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const { id: booking } = await createBooking(listing, guest, { checkIn: day(36), checkOut: day(37) });
  t.deepEqual(await compose("booking_confirmed_guest", booking, randomUUID()), { skip: "recipient not found" });
  t.deepEqual(await compose("booking_confirmed_guest", randomUUID(), guest.id), { skip: "booking not found" });
});
