#!/usr/bin/env node
// Checks the system packages before `npm start` (--for start) and `npm test` (--for test).
// Prints nothing when everything is there. When something is missing and we are root with
// apt-get, runs scripts/install-system-packages.sh; otherwise says what is missing and how
// to install it. `--for test` then fails; `--for start` warns and lets the server start.
// Keep REQUIREMENTS in step with the table in scripts/install-system-packages.sh.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const installScript = "scripts/install-system-packages.sh";

/** What Observer needs: `check` is a command on PATH or an absolute path; `browser` is test-only. */
export const REQUIREMENTS = Object.freeze([
  { check: "bwrap", pkg: "bubblewrap", browser: false, purpose: "the code sandbox" },
  { check: "gcc", pkg: "gcc", browser: false, purpose: "compiling C" },
  { check: "g++", pkg: "g++", browser: false, purpose: "compiling C++" },
  { check: "javac", pkg: "default-jdk-headless", browser: false, purpose: "compiling Java" },
  { check: "java", pkg: "default-jdk-headless", browser: false, purpose: "running Java" },
  { check: "/usr/bin/python3", pkg: "python3", browser: false, purpose: "running Python" },
  { check: "/usr/bin/chromium", pkg: "chromium", browser: true, purpose: "the e2e tests" },
  {
    check: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    pkg: "fonts-dejavu-core",
    browser: true,
    purpose: "e2e screenshots",
  },
  {
    check: "/usr/sbin/nginx",
    pkg: "nginx-light",
    browser: true,
    purpose: "checking the shipped nginx sites (nginx -t)",
  },
]);

function isExecutableFile(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** True when `check` (a command on PATH, or an absolute path) is available. */
function present(check) {
  if (path.isAbsolute(check)) {
    return check.includes("/bin/") ? isExecutableFile(check) : existsSync(check);
  }
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => isExecutableFile(path.join(dir, check)));
}

/**
 * The requirements that are missing for `purpose`: "start" (sandbox, compilers, JDK,
 * python3) or "test" (all of those plus Chromium and fonts).
 */
export function missingSystemPackages(purpose = "test") {
  return REQUIREMENTS.filter((r) => (purpose === "test" || !r.browser) && !present(r.check));
}

function canInstall() {
  return process.getuid?.() === 0 && present("apt-get");
}

/** Runs the install script (as root with apt-get); what is still missing is checked after. */
function install(purpose) {
  const args = [installScript, ...(purpose === "start" ? ["--without-browser"] : [])];
  console.error(`check-system: installing missing system packages (bash ${args.join(" ")})`);
  spawnSync("bash", args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
}

function report(purpose, missing, triedInstall) {
  const flags = purpose === "start" ? " --without-browser" : "";
  const lines = [
    `Observer is missing system packages needed for \`npm ${purpose}\`:`,
    ...missing.map((r) => `  - ${r.check} (Debian package ${r.pkg}: ${r.purpose})`),
    triedInstall
      ? `${installScript} could not install them (see its output above).`
      : `Install them with: sudo bash ${installScript}${flags}`,
  ];
  if (purpose === "start") {
    lines.push(
      "Starting anyway: running code will fail with a clear message until bwrap and the",
      "compilers are installed.",
    );
  }
  console.error(lines.join("\n"));
}

/** Checks (and as root installs) the packages for `purpose`; returns the exit code. */
export function checkSystem(purpose) {
  let missing = missingSystemPackages(purpose);
  if (missing.length === 0) return 0;
  const triedInstall = canInstall();
  if (triedInstall) {
    install(purpose);
    missing = missingSystemPackages(purpose);
    if (missing.length === 0) return 0;
  }
  report(purpose, missing, triedInstall);
  return purpose === "test" ? 1 : 0;
}

function parsePurpose(argv) {
  const i = argv.indexOf("--for");
  const purpose = i >= 0 ? argv[i + 1] : undefined;
  if (purpose === "start" || purpose === "test") return purpose;
  console.error("usage: node scripts/check-system.mjs --for start|test");
  process.exit(2);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(checkSystem(parsePurpose(process.argv.slice(2))));
}
