import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is e2e/support/paths.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * Where the e2e build of the web app goes: packages/web/dist, or E2E_WEB_DIST (e.g. a folder
 * of its own for each of several e2e runs at once in one checkout, which would otherwise
 * rebuild one folder under each other's servers).
 */
export const WEB_DIST = process.env.E2E_WEB_DIST
  ? path.resolve(process.env.E2E_WEB_DIST)
  : path.join(REPO_ROOT, "packages/web/dist");
export const SCREENSHOTS = path.join(REPO_ROOT, "e2e/screenshots");
/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
