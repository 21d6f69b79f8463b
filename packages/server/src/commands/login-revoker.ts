import type { Actor } from "../auth/actor.ts";
import { hashRefreshToken, revokeFamily } from "../auth/refresh-tokens.ts";
import type { Ctx } from "../context.ts";

/**
 * Logs out: the access token is denied until it expires, and the login (refresh family) it
 * belongs to is revoked, as is the family of the refresh token presented, if any.
 */
export async function loginRevoker(
  ctx: Ctx,
  props: { actor: Actor | null; refreshToken: string | null },
): Promise<void> {
  if (props.actor) {
    await ctx.db
      .insertInto("revoked_access_tokens")
      .values({ jti: props.actor.jti, expires_at: props.actor.tokenExpiresAt })
      .onConflict((oc) => oc.column("jti").doNothing())
      .execute();
    await revokeFamily(ctx.db, props.actor.familyId, "logout");
  }
  if (props.refreshToken) {
    const row = await ctx.db
      .selectFrom("refresh_tokens")
      .select("family_id")
      .where("token_hash", "=", hashRefreshToken(props.refreshToken))
      .executeTakeFirst();
    if (row) await revokeFamily(ctx.db, row.family_id, "logout");
  }
  // Denied access tokens are needed only until they expire.
  await ctx.db.deleteFrom("revoked_access_tokens").where("expires_at", "<", new Date()).execute();
}
