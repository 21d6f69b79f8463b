#!/usr/bin/env node
// `npm run dev`: the server with reload on change (tsx watch, port 8080) and Vite with hot
// reload (port 5173, proxying /api and /collab to the server). Open http://localhost:5173.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const child = spawn(
  "npx",
  [
    "concurrently",
    "--kill-others",
    "--names",
    "server,web",
    "--prefix-colors",
    "blue,magenta",
    "tsx watch packages/server/src/main.ts",
    "npm run dev -w @observer/web",
  ],
  { cwd: root, stdio: "inherit", env: { LOG_LEVEL: "debug", ...process.env } },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
