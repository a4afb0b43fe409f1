import type { Redis } from "ioredis";
import type { Orm } from "../shared/db/orm.js";
import type { EventPublisher } from "../shared/events/publisher.js";
import type { Queue } from "../shared/jobs/queue.js";
import type { Mailer } from "../shared/mail/mailer.js";

/** What job handlers may use; opened once by main.ts. */
export interface WorkerDeps {
  orm: Orm;
  redis: Redis;
  queue: Queue;
  /** Emits to Socket.IO rooms through a server never attached to HTTP, on the streams adapter (the worker's event relay). */
  publisher: EventPublisher;
  /** SMTP (SMTP_URL) or .eml files (development). */
  mailer: Mailer;
}
