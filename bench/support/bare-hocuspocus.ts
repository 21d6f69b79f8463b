// The baseline: a bare Hocuspocus server (no authentication, no persistence) on PORT.
import { Server } from "@hocuspocus/server";

const server = new Server({
  port: Number(process.env.PORT),
  address: "127.0.0.1",
  quiet: true,
  maxPendingDocuments: 2000,
  maxUnauthenticatedQueueMessages: 20_000,
});
await server.listen();
console.log("bare hocuspocus listening");
