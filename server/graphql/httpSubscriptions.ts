import { GraphQLError, getOperationAST, parse } from "graphql";
import { AppError } from "../../shared/errors.js";

/*
 * Subscriptions go over graphql-ws only (server/graphql/ws.ts: its auth, caps, token expiry and
 * resume). Over HTTP (a GET or a multipart POST that yoga would answer as server-sent events) they
 * are refused with 400 bad_request, as a JSON POST of one is (http.ts).
 */

export const subscriptionsOverWs = () =>
  new AppError("bad_request", 400, "Subscriptions go over graphql-ws: a WebSocket to /graphql.");

export const subscriptionsOverWsError = () => {
  const error = subscriptionsOverWs();
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: error.status } } });
};

/** Whether this query text's operation is a subscription; false for anything that does not parse (yoga answers it). */
export function isSubscription(query: unknown, operationName: unknown): boolean {
  if (typeof query !== "string") return false;
  try {
    // As many tokens as a query string can hold: the document limits come later, in yoga's pipeline.
    const document = parse(query, { noLocation: true, maxTokens: 5000 });
    const operation = getOperationAST(document, typeof operationName === "string" ? operationName : undefined);
    return operation?.operation === "subscription";
  } catch {
    return false;
  }
}
