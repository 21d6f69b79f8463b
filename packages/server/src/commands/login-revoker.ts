import type { Actor } from "../auth/actor.ts";
import { hashRefreshToken, revokeFamily } from "../auth/refresh-tokens.ts";
import { publishRevocation } from "../bus/revocations.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";

/**
 * Logs out: the access token is denied until it expires, and the login (refresh family) it
 * belongs to is revoked, as is the family of the refresh token presented, if any. The open
 * sockets of those logins close (on every instance). Refuses (401) when neither credential
 * belongs to a live login.
 */
export async function loginRevoker(
  ctx: Ctx,
  props: { actor: Actor | null; refreshToken: string | null },
): Promise<void> {
  const cookieFamily = props.refreshToken ? await liveFamilyOf(ctx, props.refreshToken) : null;
  if (!props.actor && !cookieFamily) throw fail("not_authenticated");
  const ended = new Set<string>();
  if (props.actor) {
    await ctx.db
      .insertInto("revoked_access_tokens")
      .values({ jti: props.actor.jti, expires_at: props.actor.tokenExpiresAt })
      .onConflict((oc) => oc.column("jti").doNothing())
      .execute();
    await revokeFamily(ctx.db, props.actor.familyId, "logout");
    // Its access token is denied even if its login had already ended: its sockets close too.
    ended.add(props.actor.id);
  }
  if (cookieFamily) {
    const userId = await revokeFamily(ctx.db, cookieFamily, "logout");
    if (userId) ended.add(userId);
  }
  for (const userId of ended) await publishRevocation(ctx.bus, { userId, reason: "logout" });
  // Denied access tokens are needed only until they expire.
  await ctx.db.deleteFrom("revoked_access_tokens").where("expires_at", "<", new Date()).execute();
}

/** The login a refresh token belongs to, if that login is still live. */
async function liveFamilyOf(ctx: Ctx, refreshToken: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom("refresh_tokens")
    .innerJoin("refresh_families", "refresh_families.id", "refresh_tokens.family_id")
    .select("refresh_tokens.family_id")
    .where("refresh_tokens.token_hash", "=", hashRefreshToken(refreshToken))
    .where("refresh_families.revoked_at", "is", null)
    .where("refresh_tokens.expires_at", ">", new Date())
    .executeTakeFirst();
  return row?.family_id ?? null;
}
