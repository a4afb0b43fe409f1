import type { ObjectRef } from "@pothos/core";
import type { Page } from "../../shared/pagination.js";
import { builder } from "./builder.js";

/** A REST page as a Relay-style connection: `{ edges { cursor node } pageInfo { hasNextPage endCursor } }`. */
export interface ConnectionShape<T> {
  edges: { cursor: string | null; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function toConnection<T, U = T>(page: Page<T>, present: (item: T) => U): ConnectionShape<U> {
  const last = page.data.length - 1;
  return {
    // The keyset cursor exists for the page's end (REST's nextCursor): only the last edge carries it.
    edges: page.data.map((item, i) => ({ cursor: i === last ? page.nextCursor : null, node: present(item) })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
  };
}

const PageInfo = builder.objectRef<ConnectionShape<unknown>["pageInfo"]>("PageInfo").implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    endCursor: t.exposeString("endCursor", { nullable: true, description: "Pass as `after` for the next page." }),
  }),
});

/** `<Name>Connection` and `<Name>Edge` over a node type. */
export function connectionOf<T>(name: string, node: ObjectRef<any, T, T>) {
  const edge = builder.objectRef<ConnectionShape<T>["edges"][number]>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString("cursor", { nullable: true, description: "Set on the page's last edge." }),
      // T is the ref's own shape; TypeScript cannot see it through the generic ref.
      node: t.field({ type: node, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<ConnectionShape<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      // The connection field's multiplier (its `first`) already counts the edges.
      edges: t.field({ type: [edge], complexity: { field: 1, multiplier: 1 }, resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    }),
  });
}

/** How a connection's cost grows: its field times the page size asked for (REST's default 20). */
export const pageComplexity = (args: { first?: number | null }) => ({
  field: 1,
  multiplier: Math.max(1, Math.min(args.first ?? 20, 100)),
});

/** A page size and cursor as the REST query string carries them (the same zod schema parses both). */
export function pageArgs(args: { first?: number | null; after?: string | null }): { limit?: string; cursor?: string } {
  return {
    ...(args.first != null ? { limit: String(args.first) } : {}),
    ...(args.after != null ? { cursor: args.after } : {}),
  };
}
