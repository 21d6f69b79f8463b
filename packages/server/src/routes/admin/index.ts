import { ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { userUpdater } from "../../commands/user-updater.ts";
import type { Ctx } from "../../context.ts";
import { router } from "../../http/route.ts";
import { presentAdminUser, presentSession } from "../../presenters.ts";
import { allSessionViews } from "../../storage/sessions.ts";
import { listUsers } from "../../storage/users.ts";

/** Administration: users and all sessions. Admins only (the endpoints' `auth: "admin"`). */
export function adminRoutes(app: FastifyInstance, ctx: Ctx): void {
  const route = router(app, ctx);
  const limit = ctx.config.rateLimits.apiPerMinute;

  route(ENDPOINTS.adminListUsers, limit, async () => ({
    users: (await listUsers(ctx.db)).map(presentAdminUser),
  }));

  route(ENDPOINTS.adminUpdateUser, limit, async ({ actor, params, body }) => ({
    user: await userUpdater(ctx, actor, { userId: params.id, ...body }),
  }));

  route(ENDPOINTS.adminListSessions, limit, async () => ({
    sessions: (await allSessionViews(ctx.db)).map(presentSession),
  }));
}
