import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is e2e/support/paths.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const WEB_DIST = path.join(REPO_ROOT, "packages/web/dist");
export const SCREENSHOTS = path.join(REPO_ROOT, "e2e/screenshots");
/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
