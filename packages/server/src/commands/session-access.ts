import type { Actor } from "../auth/actor.ts";
import { canManageSession } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import type { SessionViewRow } from "../presenters.ts";
import { findSessionView, isParticipant } from "../queries/sessions.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads a session for a caller and says what they may do with it. Anyone who is neither its
 * teacher, an admin nor a participant gets 404, so session ids reveal nothing.
 */
export async function sessionAccess(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
): Promise<{ session: SessionViewRow; manage: boolean }> {
  if (!UUID.test(sessionId)) throw fail("not_found");
  const session = await findSessionView(ctx.db, sessionId);
  if (!session) throw fail("not_found");
  if (canManageSession(actor, session)) return { session, manage: true };
  if (await isParticipant(ctx.db, sessionId, actor.id)) return { session, manage: false };
  throw fail("not_found");
}
