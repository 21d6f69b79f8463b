import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM, REPO_ROOT, WEB_DIST } from "./paths.ts";

/**
 * Runs once before the e2e files: checks for Debian's Chromium and builds the web app, so
 * the tests drive a fresh `packages/web/dist` served by the real server.
 */
export default function setup(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `e2e: ${CHROMIUM} is missing. Install Debian's Chromium (apt-get install chromium); the tests never download a browser.`,
    );
  }
  const build = spawnSync("npm", ["run", "build", "-w", "@observer/web", "--", "--outDir", WEB_DIST], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (build.status !== 0) {
    throw new Error(
      `e2e: building the web app failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`,
    );
  }
  if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error(`e2e: the build left no ${WEB_DIST}/index.html`);
}
