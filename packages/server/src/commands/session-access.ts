import { isUuid } from "@observer/protocol";
import type { Actor } from "../auth/actor.ts";
import { canManageSession } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import type { SessionViewRow } from "../presenters.ts";
import { isParticipant } from "../storage/participants.ts";
import { findSessionView } from "../storage/sessions.ts";

/**
 * Loads a session for a caller and says what they may do with it (auth/policies.ts decides):
 * `manage` for its teacher and admins (the teacher's rights: the HTTP routes, the channel's
 * roster), the student's view for a participant. Anyone else gets 404, so session ids reveal
 * nothing.
 */
export async function sessionAccess(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
): Promise<{ session: SessionViewRow; manage: boolean }> {
  if (!isUuid(sessionId)) throw fail("not_found");
  const session = await findSessionView(ctx.db, sessionId);
  if (!session) throw fail("not_found");
  if (canManageSession(actor, session)) return { session, manage: true };
  if (await isParticipant(ctx.db, sessionId, actor.id)) return { session, manage: false };
  throw fail("not_found");
}
