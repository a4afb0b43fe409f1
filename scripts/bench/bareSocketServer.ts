/**
 * The bare reference of `bench:realtime`: a Socket.IO 4.8.4 server in its own OS process, with the
 * same websocket transport and server options as the web process's (path, serveClient, default
 * adapter) but no auth, no database, no Redis adapter. Each socket joins the room named by its
 * handshake `auth.token` (so the benchmark's clients connect with the same code and tokens as to the
 * app, and a token's room holds that user's sockets); `subscribe` joins `listing:<id>` and acks like
 * the app. `POST /emit {room, event, payload}` answers 204, then emits one event to one room.
 *
 *   PORT=… npx tsx scripts/bench/bareSocketServer.ts      (prints "listening" when ready)
 */
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 0);
const http = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200).end("ok");
    return;
  }
  if (req.method !== "POST" || req.url !== "/emit") {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    try {
      const { room, event, payload } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        room: string;
        event: string;
        payload: unknown;
      };
      // Answer, then emit: like the web process, whose event leaves once the booking has committed,
      // alongside its response (the benchmark times both from the response's arrival).
      res.writeHead(204).end();
      io.to(room).emit(event, payload);
    } catch {
      res.writeHead(400).end();
    }
  });
});
const io = new Server(http, { path: "/socket.io", serveClient: false, transports: ["websocket"] });
io.on("connection", (socket) => {
  const room = (socket.handshake.auth as { token?: unknown }).token;
  if (typeof room === "string") socket.join(room);
  socket.on("subscribe", (body: { listingId?: unknown }, ack?: (r: { ok: boolean }) => void) => {
    if (typeof body?.listingId === "string") socket.join(`listing:${body.listingId}`);
    if (typeof ack === "function") ack({ ok: true });
  });
});
http.listen(port, "127.0.0.1", () => console.log("listening"));
// Never outlive the benchmark that started it.
process.on("disconnect", () => process.exit(0));
setTimeout(() => process.exit(0), 15 * 60_000).unref();
