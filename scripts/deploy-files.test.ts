import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The shipped deployment files are real: the cluster's compose file, its nginx site, the
 * runner's systemd unit and environment example say what docs/OPERATIONS.md says, point at
 * files that exist, and (where nginx and systemd-analyze are installed) pass their own checks.
 * No Docker engine here, so compose itself is not run.
 */
const root = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
/** Certificates, configurations and unit copies of the checks below. */
const scratch = mkdtempSync(join(tmpdir(), "observer-deploy-files-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// YAML: the subset compose files use, with no YAML package in the tree. Block mappings and
// sequences, plain, quoted and one-line [flow] scalars, comments, anchors on a block (&name)
// and merge keys (<<: *name). Anything else (block scalars, {flow maps}, mappings inside
// sequences, tabs) throws: the test then fails rather than reading the file wrongly.

type Yaml = string | Yaml[] | { [key: string]: Yaml } | null;
type YamlMap = { [key: string]: Yaml };
interface Line {
  indent: number;
  text: string;
  no: number;
}

/** The text before a comment: `#` at the start or after a space, outside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#" && (i === 0 || line[i - 1] === " ")) return line.slice(0, i);
  }
  return line;
}

function parseScalar(text: string, no: number): Yaml {
  const fail = (why: string) => {
    throw new Error(`YAML line ${no}: ${why}: ${text}`);
  };
  if (text.startsWith("[")) {
    if (!text.endsWith("]")) fail("a flow sequence must end on its line");
    const items: string[] = [];
    let quote: string | null = null;
    let current = "";
    for (const ch of text.slice(1, -1)) {
      if (quote) quote = ch === quote ? null : quote;
      else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ",") {
        items.push(current);
        current = "";
        continue;
      }
      current += ch;
    }
    if (current.trim() !== "" || items.length > 0) items.push(current);
    return items.map((item) => parseScalar(item.trim(), no));
  }
  if (/^[{|>!&*]/.test(text)) fail("unsupported syntax");
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, i) => {
    if (raw.includes("\t")) throw new Error(`YAML line ${i + 1}: tab`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === "") return;
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  const anchors = new Map<string, Yaml>();
  const alias = (name: string, no: number): Yaml => {
    const value = anchors.get(name);
    if (value === undefined) throw new Error(`YAML line ${no}: unknown alias *${name}`);
    return structuredClone(value);
  };

  /** The block starting at lines[at] (indented by `indent`); returns it and the next line's index. */
  function block(at: number, indent: number): [Yaml, number] {
    const first = lines[at];
    if (!first) return [null, at];
    const isItem = (line: Line) => line.text === "-" || line.text.startsWith("- ");
    if (isItem(first)) {
      const items: Yaml[] = [];
      let i = at;
      while (lines[i] && (lines[i] as Line).indent === indent && isItem(lines[i] as Line)) {
        const line = lines[i] as Line;
        const rest = line.text.slice(1).trim();
        if (/^[\w.<-]+:(\s|$)/.test(rest)) throw new Error(`YAML line ${line.no}: mapping in a sequence`);
        if (rest === "") {
          const [value, next] = block(i + 1, (lines[i + 1] as Line).indent);
          items.push(value);
          i = next;
        } else {
          items.push(parseScalar(rest, line.no));
          i++;
        }
      }
      return [items, i];
    }
    const explicit: YamlMap = {};
    const merged: YamlMap = {};
    let i = at;
    while (lines[i] && (lines[i] as Line).indent === indent) {
      const line = lines[i] as Line;
      const match = /^([\w.<-]+|"[^"]*"):(?:\s+(.*))?$/.exec(line.text);
      if (!match?.[1]) throw new Error(`YAML line ${line.no}: not a mapping entry: ${line.text}`);
      const key = match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1];
      let rest = match[2] ?? "";
      let anchor: string | null = null;
      const anchored = /^&([\w-]+)\s*$/.exec(rest);
      if (anchored?.[1]) {
        anchor = anchored[1];
        rest = "";
      }
      let value: Yaml;
      i++;
      if (rest === "") {
        const next = lines[i];
        if (next && next.indent > indent) [value, i] = block(i, next.indent);
        else value = null;
      } else if (rest.startsWith("*")) value = alias(rest.slice(1), line.no);
      else value = parseScalar(rest, line.no);
      if (anchor) anchors.set(anchor, structuredClone(value));
      if (key === "<<") {
        if (!value || typeof value !== "object" || Array.isArray(value))
          throw new Error(`YAML line ${line.no}: << needs a mapping`);
        Object.assign(merged, value);
        continue;
      }
      if (key in explicit) throw new Error(`YAML line ${line.no}: duplicate key ${key}`);
      explicit[key] = value;
    }
    if (lines[i] && (lines[i] as Line).indent > indent)
      throw new Error(`YAML line ${(lines[i] as Line).no}: unexpected indentation`);
    // Keys written in the mapping win over merged ones, wherever the << stands.
    return [{ ...merged, ...explicit }, i];
  }

  const [doc, end] = block(0, lines[0]?.indent ?? 0);
  if (end !== lines.length) throw new Error(`YAML line ${lines[end]?.no}: unexpected indentation`);
  return doc;
}

const asMap = (value: Yaml | undefined): YamlMap => {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not a mapping");
  return value;
};
const asList = (value: Yaml | undefined): Yaml[] => (Array.isArray(value) ? value : []);
/** Compose durations such as "90s", "1m30s", in seconds. */
function seconds(duration: Yaml | undefined): number {
  const parts = String(duration ?? "").match(/^(?:(\d+)m)?(?:(\d+)s)?$/);
  if (!parts || (!parts[1] && !parts[2])) throw new Error(`not a duration: ${String(duration)}`);
  return Number(parts[1] ?? 0) * 60 + Number(parts[2] ?? 0);
}

describe("the YAML subset reader", () => {
  it("reads anchors, merges, flow sequences and quoted scalars, and refuses what it does not know", () => {
    const doc = asMap(
      parseYaml(
        'x: &base\n  a: "1" # note\n  b: [one, "t,wo"]\ny:\n  <<: *base\n  a: two\n  c:\n    - ./p:/q:ro\n',
      ),
    );
    expect(doc.y).toEqual({ a: "two", b: ["one", "t,wo"], c: ["./p:/q:ro"] });
    expect(asMap(doc.x).a).toBe("1");
    expect(() => parseYaml("a: |\n  text\n")).toThrow(/unsupported/);
    expect(() => parseYaml("a:\n  - b: c\n")).toThrow(/mapping in a sequence/);
    expect(() => parseYaml("a: 1\na: 2\n")).toThrow(/duplicate/);
  });
});

// ---------------------------------------------------------------------------------------------

const compose = asMap(parseYaml(read("deploy/compose.cluster.yaml")));
const services = asMap(compose.services);
const service = (name: string) => asMap(services[name]);
const env = (name: string) => asMap(service(name).environment);
const INSTANCES = ["observer-1", "observer-2"];
const RUNNERS = ["runner-1", "runner-2"];
const SANDBOX_OPTIONS = ["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"];
const RUNNER_MAIN = "packages/server/src/runner/main.ts";

describe("deploy/compose.cluster.yaml", () => {
  it("has nginx, two instances, two runners, PostgreSQL 15 and Redis 7", () => {
    expect(Object.keys(services).sort()).toEqual(
      [...INSTANCES, "nginx", "postgres", "redis", ...RUNNERS].sort(),
    );
    expect(service("postgres").image).toBe("postgres:15");
    expect(service("redis").image).toBe("redis:7");
    // `resolve` in the upstream (cluster.conf) needs nginx 1.27.3 or later.
    const [major, minor] = String(service("nginx").image).replace("nginx:", "").split(".").map(Number);
    expect((major ?? 0) * 100 + (minor ?? 0)).toBeGreaterThanOrEqual(128);
  });

  it("builds every Observer container from deploy/Dockerfile, never from a registry", () => {
    for (const name of [...INSTANCES, ...RUNNERS]) {
      const build = asMap(service(name).build);
      expect(build.dockerfile, name).toBe("deploy/Dockerfile");
      expect(existsSync(join(root, "deploy", String(build.context), String(build.dockerfile)))).toBe(true);
      expect(service(name).image).toBe("observer:latest");
    }
  });

  it("runs the instances with remote runners, shared PostgreSQL and Redis, and no sandbox", () => {
    expect(env("observer-1")).toEqual(env("observer-2"));
    const e = env("observer-1");
    expect(e.OBSERVER_RUNNERS).toBe("remote");
    expect(e.DATABASE_URL).toMatch(
      /^postgres:\/\/observer:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/observer$/,
    );
    expect(e.REDIS_URL).toMatch(/^redis:\/\/redis:6379\//);
    expect(e.TRUST_PROXY).toBe("1");
    expect(e.NODE_ENV).toBe("production");
    // Secrets come from the operator's environment, required, never written in the file.
    expect(e.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
    expect(e.OBSERVER_SECRET_KEY).toMatch(/^\$\{OBSERVER_SECRET_KEY:\?/);
    for (const name of INSTANCES) {
      const s = service(name);
      expect(s.security_opt, name).toBeUndefined();
      expect(s.ports, name).toBeUndefined();
      expect(asList(asMap(s.healthcheck).test).join(" ")).toContain("/api/health");
      expect(asMap(asMap(s.depends_on).postgres).condition).toBe("service_healthy");
      expect(asMap(asMap(s.depends_on).redis).condition).toBe("service_healthy");
      expect(s.restart).toBe("unless-stopped");
      expect(s.hostname).toBe(name);
    }
  });

  it("runs the runners with the sandbox's options, no secrets, and 90 s to drain", () => {
    for (const name of RUNNERS) {
      const s = service(name);
      expect(s.security_opt, name).toEqual(SANDBOX_OPTIONS);
      expect(seconds(s.stop_grace_period), name).toBeGreaterThanOrEqual(90);
      expect(s.init, name).toBe("true");
      expect(s.restart, name).toBe("unless-stopped");
      expect(s.ports, name).toBeUndefined();
      expect(asMap(asMap(s.depends_on).redis).condition).toBe("service_healthy");
      // The runner itself (SIGTERM reaches it), the same file as `npm run runner`.
      expect(s.command).toEqual(["node", "--import", "tsx", RUNNER_MAIN]);
      const e = env(name);
      expect(e.REDIS_URL).toBe(env("observer-1").REDIS_URL);
      for (const secret of ["DATABASE_URL", "JWT_SECRET", "OBSERVER_SECRET_KEY"])
        expect(e[secret]).toBeUndefined();
    }
    expect(RUNNERS.map((name) => service(name).hostname)).toEqual(RUNNERS);
    expect(existsSync(join(root, RUNNER_MAIN))).toBe(true);
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    expect(scripts.runner).toBe(`node --import tsx ${RUNNER_MAIN}`);
  });

  it("puts nginx with cluster.conf in front of both healthy instances", () => {
    const nginx = service("nginx");
    const volumes = asList(nginx.volumes).map(String);
    expect(volumes).toContain("./nginx/cluster.conf:/etc/nginx/conf.d/default.conf:ro");
    expect(existsSync(join(root, "deploy/nginx/cluster.conf"))).toBe(true);
    expect(volumes.some((v) => v.endsWith(":/etc/nginx/tls:ro"))).toBe(true);
    expect(asList(nginx.ports)).toContain("443:443");
    for (const name of INSTANCES) {
      expect(asMap(asMap(nginx.depends_on)[name]).condition).toBe("service_healthy");
    }
  });

  it("declares every named volume it mounts and gives every service a restart policy", () => {
    const declared = Object.keys(asMap(compose.volumes));
    for (const [name, value] of Object.entries(services)) {
      expect(asMap(value).restart, name).toBe("unless-stopped");
      for (const volume of asList(asMap(value).volumes).map(String)) {
        const source = volume.split(":")[0] ?? "";
        if (!/^[.$/]/.test(source)) expect(declared, `${name}: ${volume}`).toContain(source);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

const clusterConf = read("deploy/nginx/cluster.conf");
const singleConf = read("deploy/nginx/observer.conf");
const directives = (conf: string) =>
  conf
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);

describe("deploy/nginx/cluster.conf", () => {
  it("sends to an upstream of both instances, with passive failover", () => {
    const upstream = /upstream observer \{([^}]*)\}/.exec(clusterConf)?.[1] ?? "";
    const servers = [...upstream.matchAll(/^\s*server\s+(\S+)/gm)].map((m) => m[1]);
    const port = env("observer-1").PORT;
    expect(servers).toEqual(INSTANCES.map((name) => `${name}:${port}`));
    expect(upstream).toMatch(/max_fails=\d+ fail_timeout=\d+s/);
    expect(clusterConf).toMatch(/proxy_next_upstream error timeout;/);
    expect(directives(clusterConf).join("\n")).not.toMatch(/^(ip_hash|sticky|hash)\b/m);
    const targets = [...clusterConf.matchAll(/proxy_pass (\S+);/g)].map((m) => m[1]);
    expect(new Set(targets)).toEqual(new Set(["http://observer"]));
  });

  it("keeps the single-instance site's headers, WebSocket handling, limits and locations", () => {
    const cluster = directives(clusterConf);
    for (const line of directives(singleConf)) {
      if (
        /^(proxy_set_header|proxy_http_version|client_max_body_size|proxy_read_timeout|ssl_protocols)\b/.test(
          line,
        )
      )
        expect(cluster, line).toContain(line);
      if (line.startsWith("location ")) expect(cluster, line).toContain(line);
    }
    expect(clusterConf).toMatch(/location = \/metrics \{\s*return 404;/);
  });

  const nginx = process.env.OBSERVER_NGINX ?? "/usr/sbin/nginx";
  const openssl = "/usr/bin/openssl";
  const work = join(scratch, "nginx");

  // Needs an nginx binary (Debian's nginx package, or OBSERVER_NGINX) and openssl.
  it.skipIf(!existsSync(nginx) || !existsSync(openssl))("passes nginx -t", () => {
    mkdirSync(work);
    execFileSync(
      openssl,
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-keyout",
        join(work, "privkey.pem"),
        "-out",
        join(work, "fullchain.pem"),
      ],
      { stdio: "ignore", timeout: 20_000 },
    );
    const version = spawnSync(nginx, ["-v"], { encoding: "utf8" }).stderr.match(/nginx\/(\d+)\.(\d+)\.(\d+)/);
    const [, major, minor, patch] = (version ?? []).map(Number);
    const at = (major ?? 0) * 1_000_000 + (minor ?? 0) * 1000 + (patch ?? 0);
    // Outside compose the instances' names do not resolve: loopback instead. An older nginx
    // than the image's (Debian 12 has 1.22) lacks the upstream's `resolve` (1.27.3) and
    // `http2 on` (1.25.1): only those are taken out.
    let conf = clusterConf
      .replaceAll("/etc/nginx/tls/", `${work}/`)
      .replace(/server observer-1:8080/, "server 127.0.0.1:18081")
      .replace(/server observer-2:8080/, "server 127.0.0.1:18082");
    if (at < 1_027_003) conf = conf.replaceAll(" resolve ", " ");
    if (at < 1_025_001) conf = conf.replace(/^\s*http2 on;$/m, "");
    writeFileSync(join(work, "cluster.conf"), conf);
    const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map((kind) => `${kind}_temp_path ${work}/${kind};`)
      .join(" ");
    writeFileSync(
      join(work, "nginx.conf"),
      `pid ${work}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp { access_log off; ${temp} include ${work}/cluster.conf; }\n`,
    );
    const check = spawnSync(nginx, ["-t", "-p", work, "-c", join(work, "nginx.conf"), "-e", "stderr"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(check.stderr).toContain("test is successful");
    expect(check.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

const unit = read("deploy/observer-runner.service");
const setting = (text: string, key: string) =>
  [...text.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1] ?? "");

describe("deploy/observer-runner.service", () => {
  it("starts the runner itself and lets it drain on SIGTERM", () => {
    expect(setting(unit, "ExecStart")).toEqual([`/usr/bin/node --import tsx ${RUNNER_MAIN}`]);
    expect(setting(unit, "KillSignal")).toEqual(["SIGTERM"]);
    // SIGTERM to the runner only: the default would also stop every program it runs.
    expect(setting(unit, "KillMode")).toEqual(["mixed"]);
    expect(seconds(setting(unit, "TimeoutStopSec")[0] ?? "")).toBeGreaterThanOrEqual(90);
    expect(setting(unit, "Restart")).toEqual(["on-failure"]);
    expect(setting(unit, "EnvironmentFile")).toEqual(["/etc/observer/runner.env"]);
    expect(setting(unit, "Delegate")).toEqual(["yes"]);
  });

  it("has the server unit's hardening and nothing that breaks bubblewrap", () => {
    const server = read("deploy/observer.service");
    const hardening = server.slice(server.indexOf("# Hardening."));
    for (const line of hardening.split("\n").filter((l) => /^\w+=/.test(l))) expect(unit).toContain(line);
    for (const key of [
      "RestrictNamespaces",
      "PrivateUsers",
      "ProtectKernelTunables",
      "ProtectKernelLogs",
      "ProcSubset",
      "SystemCallFilter",
      "ProtectHostname",
      "MemoryDenyWriteExecute",
      "ProtectControlGroups",
    ]) {
      expect(setting(unit, key), key).toEqual([]);
    }
  });

  it.skipIf(!existsSync("/usr/bin/systemd-analyze"))("passes systemd-analyze verify", () => {
    const copy = join(scratch, "observer-runner.service");
    writeFileSync(copy, unit);
    const check = spawnSync("/usr/bin/systemd-analyze", ["verify", copy], {
      encoding: "utf8",
      timeout: 20_000,
    });
    // verify exits 0 for unknown keys and bad values, and names them on stderr.
    expect(check.stderr.split("\n").filter((line) => line.includes(copy))).toEqual([]);
  });
});

describe("deploy/runner.env.example", () => {
  const example = read("deploy/runner.env.example");
  const names = [...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? "");

  it("sets Redis and nothing secret of Observer's, with every variable documented", () => {
    expect(names).toContain("REDIS_URL");
    expect(names).not.toContain("DATABASE_URL");
    expect(names).not.toContain("JWT_SECRET");
    expect(names).not.toContain("OBSERVER_SECRET_KEY");
    const operations = read("docs/OPERATIONS.md");
    for (const name of names) expect(operations, name).toContain(`\`${name}\``);
  });
});
