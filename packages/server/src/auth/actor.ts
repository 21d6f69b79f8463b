import type { Role } from "@observer/protocol";
import { sql } from "kysely";
import { fail } from "../errors.ts";
import type { Db } from "../storage/database.ts";
import type { AccessClaims, AccessTokens } from "./access-tokens.ts";

/** The authenticated caller of a request. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The login this request's token belongs to. */
  familyId: string;
  jti: string;
  tokenExpiresAt: Date;
}

/** Reads `Authorization: Bearer <token>`; null when absent. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** The user of a login as stored now, or a refusal: gone, deactivated, revoked or logged out. */
async function liveLogin(db: Db, login: { userId: string; familyId: string; jti: string }) {
  const row = await db
    .selectFrom("users")
    .leftJoin("refresh_families as f", (join) =>
      join.onRef("f.user_id", "=", "users.id").on("f.id", "=", login.familyId),
    )
    .select([
      "users.email",
      "users.name",
      "users.role",
      "users.active",
      "f.id as family_id",
      "f.revoked_at",
      sql<boolean>`exists (select 1 from revoked_access_tokens r where r.jti = ${login.jti})`.as("denied"),
    ])
    .where("users.id", "=", login.userId)
    .executeTakeFirst();
  if (!row) throw fail("token_invalid");
  if (!row.active) throw fail("account_deactivated");
  if (row.family_id === null || row.revoked_at !== null || row.denied) throw fail("token_invalid");
  return row;
}

/**
 * Verifies an access token and checks, in one query, that its user still exists and is
 * active, that its login was not revoked, and that the token itself was not logged out.
 */
export async function authenticate(db: Db, tokens: AccessTokens, token: string): Promise<Actor> {
  const claims: AccessClaims = await tokens.verify(token);
  const row = await liveLogin(db, { userId: claims.sub, familyId: claims.fid, jti: claims.jti });
  return {
    id: claims.sub,
    email: row.email,
    name: row.name,
    role: row.role,
    familyId: claims.fid,
    jti: claims.jti,
    tokenExpiresAt: new Date(claims.exp * 1000),
  };
}

/**
 * Re-checks an already authenticated caller against the database, without their token (a
 * socket outlives its access token): the user still exists and is active, their login is not
 * revoked and the token they came with was not logged out. Returns the caller with the role
 * and name they have now; throws `token_invalid` (401) or `account_deactivated` (403).
 */
export async function recheckActor(db: Db, actor: Actor): Promise<Actor> {
  const row = await liveLogin(db, { userId: actor.id, familyId: actor.familyId, jti: actor.jti });
  return { ...actor, name: row.name, role: row.role };
}
