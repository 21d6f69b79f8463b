import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { FastifyBaseLogger } from "fastify";

/**
 * The one-time token that protects the first registration of a fresh install (the first
 * account becomes the administrator). Created when the server starts without any account,
 * printed to the log and written to `setup-token` in the data dir (mode 0600) so the
 * operator can read it; kept across restarts until the first account exists, then removed.
 * A registration from the server's own machine (direct loopback) does not need it.
 */
export class SetupToken {
  private token: string | null = null;

  constructor(
    private readonly file: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Loads the token from the data dir or creates it, and tells the operator. */
  issue(): string {
    if (this.token) return this.token;
    let token: string | null = null;
    try {
      if (existsSync(this.file)) token = readFileSync(this.file, "utf8").trim() || null;
    } catch {
      token = null;
    }
    token ??= randomBytes(18).toString("base64url");
    try {
      writeFileSync(this.file, `${token}\n`, { mode: 0o600 });
    } catch (err) {
      this.log.warn({ err, file: this.file }, "cannot write the setup token file");
    }
    this.token = token;
    this.log.warn(
      { file: this.file },
      `No account exists yet. Register the first (administrator) account from this machine, or elsewhere with the setup token ${token}`,
    );
    return token;
  }

  /** Whether a registration gave the right token (compared in constant time). */
  matches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const expected = this.token ?? this.issue();
    const digest = (s: string) => createHash("sha256").update(s).digest();
    return timingSafeEqual(digest(candidate.trim()), digest(expected));
  }

  /** The first account exists: the token is spent. */
  consume(): void {
    this.token = null;
    try {
      rmSync(this.file, { force: true });
    } catch (err) {
      this.log.warn({ err, file: this.file }, "cannot remove the setup token file");
    }
  }
}
