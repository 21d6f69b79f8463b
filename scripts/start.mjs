#!/usr/bin/env node
// `npm start`: checks the system packages, builds the web app when it is missing or older
// than its sources, then runs the server (TypeScript through tsx) on PORT (8080).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit" }).status ?? 1;

/** Newest modification time of the files under the given paths. */
function newest(paths) {
  let latest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
    else latest = Math.max(latest, stat.mtimeMs);
  };
  for (const p of paths) visit(path.join(root, p));
  return latest;
}

if (run(process.execPath, ["scripts/check-system.mjs", "--for", "start"]) !== 0) process.exit(1);

const builtIndex = path.join(root, "packages/web/dist/index.html");
const sources = [
  "packages/web/src",
  "packages/web/index.html",
  "packages/web/vite.config.ts",
  "packages/protocol/src",
];
if (
  !process.env.OBSERVER_WEB_DIR &&
  (!existsSync(builtIndex) || statSync(builtIndex).mtimeMs < newest(sources))
) {
  console.log("Building the web app (first start or changed sources)...");
  if (run("npm", ["run", "build", "--silent"]) !== 0) process.exit(1);
}

const server = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
