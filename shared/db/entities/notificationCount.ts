import { defineEntity, type InferEntity, p } from "@mikro-orm/core";

/**
 * The unread count's parts (migration notificationCounts): one row per recipient of every event,
 * appended by a trigger in the event's statement, and the per-user totals they are folded into
 * (compactNotificationLog()). No command writes either directly.
 */
export const NotificationLog = defineEntity({
  name: "NotificationLog",
  tableName: "notification_log",
  indexes: [{ name: "notification_log_user_idx", properties: ["userId"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    userId: p.uuid(),
  },
});
export type INotificationLog = InferEntity<typeof NotificationLog>;

export const NotificationCount = defineEntity({
  name: "NotificationCount",
  tableName: "notification_counts",
  properties: {
    userId: p.uuid().primary(),
    events: p.bigint("number").default(0),
  },
});
export type INotificationCount = InferEntity<typeof NotificationCount>;
