import type { Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { logger } from "../shared/logger.js";

/** What Node's HTTP parser refused, by error code; anything else is a plain 400. */
const ANSWERS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "headers_too_large",
    message: "The request line and headers are too large.",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    code: "request_timeout",
    message: "The request took too long to arrive.",
  },
};
const MALFORMED = {
  status: 400,
  reason: "Bad Request",
  code: "bad_request",
  message: "The request is not valid HTTP/1.1.",
};

/** The raw HTTP response for a parser error: API.md's error body, and the connection closed. */
export function clientErrorResponse(errorCode: string | undefined): string {
  const answer = (errorCode && ANSWERS[errorCode]) || MALFORMED;
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message, details: [] } });
  return (
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\n` +
    "Content-Type: application/json; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n\r\n" +
    body
  );
}

/**
 * Requests Node refuses before Koa sees them (headers over the limit: 431; bad header bytes, both
 * Content-Length and Transfer-Encoding, a broken request line: 400; too slow: 408) are answered with
 * the API's JSON error shape instead of Node's empty body. Like Node's default handler, nothing is
 * written when the socket is gone or a response on it has already started (it would corrupt it).
 */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    // `_httpMessage` is the response in flight on this socket; Node's own handler checks it the same way.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    logger.debug({ code: err.code }, "malformed request refused");
    socket.end(clientErrorResponse(err.code), () => socket.destroy());
  });
}
