import { rotateRefreshToken } from "../auth/refresh-tokens.ts";
import { publishRevocation } from "../bus/revocations.ts";
import type { Ctx } from "../context.ts";

/**
 * Trades a refresh token for a new access token and the refresh token's successor. A reused
 * token revokes its login, whose open sockets then close.
 */
export async function tokenRefresher(
  ctx: Ctx,
  refreshToken: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const rotated = await rotateRefreshToken(ctx.db, refreshToken, (userId) =>
    publishRevocation(ctx.bus, { userId, reason: "refresh_token_reused" }),
  );
  const user = await ctx.db
    .selectFrom("users")
    .select(["role"])
    .where("id", "=", rotated.userId)
    .executeTakeFirstOrThrow();
  const accessToken = await ctx.tokens.sign(rotated.userId, rotated.familyId, user.role);
  return { accessToken, refreshToken: rotated.refreshToken };
}
