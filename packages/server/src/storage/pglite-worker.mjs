// Runs embedded PGlite in a worker thread, so database work (WebAssembly, synchronous file
// I/O) never blocks the server's event loop. Plain JavaScript: it needs no TypeScript loader.
// Protocol: {id, op: "query"|"exec"|"close", sql?, params?} -> {id, rows?, affectedRows?, error?}.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

const db = workerData.dataDir ? await PGlite.create(workerData.dataDir) : await PGlite.create();

const reply = (message) => parentPort.postMessage(message);

parentPort.on("message", async ({ id, op, sql, params }) => {
  try {
    if (op === "query") {
      const result = await db.query(sql, params);
      reply({ id, rows: result.rows, affectedRows: result.affectedRows });
    } else if (op === "exec") {
      await db.exec(sql);
      reply({ id });
    } else if (op === "close") {
      await db.close();
      reply({ id });
      parentPort.close();
    } else {
      reply({ id, error: { message: `unknown operation ${op}` } });
    }
  } catch (err) {
    reply({
      id,
      error: {
        message: err?.message ?? String(err),
        code: err?.code,
        detail: err?.detail,
        constraint: err?.constraint,
      },
    });
  }
});

reply({ ready: true });
