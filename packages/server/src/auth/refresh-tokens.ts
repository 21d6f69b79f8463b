import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { fail } from "../errors.ts";
import type { Db } from "../storage/database.ts";

/** A login lasts 30 days without use; every refresh rotates the token. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

async function issue(db: Db, familyId: string): Promise<string> {
  const token = newToken();
  await db
    .insertInto("refresh_tokens")
    .values({
      token_hash: hashRefreshToken(token),
      family_id: familyId,
      expires_at: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
    })
    .execute();
  return token;
}

/** Starts a login: a new refresh family with its first token. */
export async function startFamily(
  db: Db,
  userId: string,
): Promise<{ familyId: string; refreshToken: string }> {
  const familyId = randomUUID();
  await db.insertInto("refresh_families").values({ id: familyId, user_id: userId }).execute();
  return { familyId, refreshToken: await issue(db, familyId) };
}

/** Ends a login. Returns its user when it was live until now (null if already revoked). */
export async function revokeFamily(db: Db, familyId: string, reason: string): Promise<string | null> {
  const row = await db
    .updateTable("refresh_families")
    .set({ revoked_at: sql`now()`, revoked_reason: reason })
    .where("id", "=", familyId)
    .where("revoked_at", "is", null)
    .returning("user_id")
    .executeTakeFirst();
  return row?.user_id ?? null;
}

export async function revokeAllFamiliesOf(db: Db, userId: string, reason: string): Promise<void> {
  await db
    .updateTable("refresh_families")
    .set({ revoked_at: sql`now()`, revoked_reason: reason })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
}

/**
 * Uses a refresh token once: marks it used and issues its successor in the same family.
 * A token that was already used means it was copied: the whole family is revoked (and
 * `onRevoked` told whose login it was, to close its open sockets).
 */
export async function rotateRefreshToken(
  db: Db,
  token: string,
  onRevoked: (userId: string) => Promise<void> = async () => {},
): Promise<{ userId: string; familyId: string; refreshToken: string }> {
  const tokenHash = hashRefreshToken(token);
  const claimed = await db
    .updateTable("refresh_tokens")
    .set({ used_at: sql`now()` })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .returning(["family_id", "expires_at"])
    .executeTakeFirst();
  if (!claimed) {
    const existing = await db
      .selectFrom("refresh_tokens")
      .select("family_id")
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    if (existing) {
      const userId = await revokeFamily(db, existing.family_id, "refresh token reused");
      if (userId) await onRevoked(userId);
      throw fail("refresh_token_reused");
    }
    throw fail("refresh_token_invalid");
  }
  const family = await db
    .selectFrom("refresh_families")
    .innerJoin("users", "users.id", "refresh_families.user_id")
    .select(["refresh_families.user_id", "refresh_families.revoked_at", "users.active"])
    .where("refresh_families.id", "=", claimed.family_id)
    .executeTakeFirst();
  if (family && !family.active) throw fail("account_deactivated");
  if (!family || family.revoked_at !== null || claimed.expires_at.getTime() <= Date.now()) {
    throw fail("refresh_token_invalid");
  }
  return {
    userId: family.user_id,
    familyId: claimed.family_id,
    refreshToken: await issue(db, claimed.family_id),
  };
}
