import { adminUserUpdateBodySchema, ENDPOINTS } from "@observer/protocol";
import type { FastifyInstance } from "fastify";
import { isAdmin } from "../../auth/policies.ts";
import { userUpdater } from "../../commands/user-updater.ts";
import type { Ctx } from "../../context.ts";
import { fail } from "../../errors.ts";
import { requireActor } from "../../http/request-auth.ts";
import { route } from "../../http/route.ts";
import { parseInput, uuidParam } from "../../http/validation.ts";
import { presentAdminUser, presentSession } from "../../presenters.ts";
import { sessionViews } from "../../queries/sessions.ts";

/** Administration: users and all sessions. Admins only. */
export function adminRoutes(app: FastifyInstance, ctx: Ctx): void {
  const limit = ctx.config.rateLimits.apiPerMinute;
  const requireAdmin = async (request: Parameters<typeof requireActor>[1]) => {
    const actor = await requireActor(ctx, request);
    if (!isAdmin(actor)) throw fail("forbidden", "Only administrators can do this.");
    return actor;
  };

  route(app, ENDPOINTS.adminListUsers, limit, async (request) => {
    await requireAdmin(request);
    const rows = await ctx.db.selectFrom("users").selectAll().orderBy("created_at").execute();
    return { users: rows.map(presentAdminUser) };
  });

  route(app, ENDPOINTS.adminUpdateUser, limit, async (request) => {
    const actor = await requireAdmin(request);
    const userId = uuidParam(request.params);
    const body = parseInput(adminUserUpdateBodySchema, request.body);
    return { user: await userUpdater(ctx, actor, { userId, ...body }) };
  });

  route(app, ENDPOINTS.adminListSessions, limit, async (request) => {
    await requireAdmin(request);
    const rows = await sessionViews(ctx.db)
      .orderBy("sessions.status", "asc")
      .orderBy("sessions.created_at", "desc")
      .limit(1000)
      .execute();
    return { sessions: rows.map(presentSession) };
  });
}
