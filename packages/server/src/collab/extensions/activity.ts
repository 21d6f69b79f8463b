import {
  type beforeHandleAwarenessPayload,
  type connectedPayload,
  type Extension,
  isTransactionOrigin,
  type onChangePayload,
  type onDisconnectPayload,
} from "@hocuspocus/server";
import { parseDocumentName } from "@observer/protocol";
import { publishSessionEvent } from "../../bus/session-events.ts";
import type { Ctx } from "../../context.ts";
import type { CollabContext } from "../context.ts";

/** At most one "edited" event per document in this many milliseconds. */
const EDITED_EVENT_INTERVAL_MS = 2000;

/**
 * What the class sees of a document's activity: a student with their document open is online;
 * edits are announced (throttled) on the session channel; and every awareness state carries
 * the authenticated identity, so nobody can appear under another name. The session's broadcast
 * is no student's activity: opening it does not make a student online, and the teacher's
 * typing in it is not an edit.
 */
export class Activity implements Extension {
  extensionName = "observer-activity";
  private readonly lastEditedEvent = new Map<string, number>();

  constructor(private readonly ctx: Ctx) {}

  async connected({ context }: connectedPayload<CollabContext>): Promise<void> {
    if (context.asTeacher || context.kind !== "student") return;
    await this.ctx.presence.connected(context.sessionId, context.user.id);
  }

  async onDisconnect({ context }: onDisconnectPayload<CollabContext>): Promise<void> {
    if (!context?.user || context.asTeacher || context.kind !== "student") return;
    await this.ctx.presence.disconnected(context.sessionId, context.user.id);
  }

  async onChange({
    documentName,
    context,
    transactionOrigin,
  }: onChangePayload<CollabContext>): Promise<void> {
    // The teacher's typing into the broadcast is nobody's edit: only a student's document counts.
    const address = parseDocumentName(documentName);
    if (!context?.sessionId || address?.kind !== "student") return;
    // The instance that received the edit announces it.
    if (isTransactionOrigin(transactionOrigin) && transactionOrigin.source === "redis") return;
    const now = Date.now();
    // Every edit: a roster read before the document is saved still shows it.
    this.ctx.presence.edited(address.sessionId, address.studentId, new Date(now));
    if (now - (this.lastEditedEvent.get(documentName) ?? 0) < EDITED_EVENT_INTERVAL_MS) return;
    this.lastEditedEvent.set(documentName, now);
    // Hocuspocus does not await onChange: a rejection (Redis down) would end the process. A
    // lost event costs little: rosters read the edit time from presence, and the next edit announces.
    await publishSessionEvent(this.ctx.bus, address.sessionId, {
      type: "edited",
      userId: address.studentId,
      at: new Date(now).toISOString(),
    }).catch((err: unknown) => this.ctx.log.warn({ err, documentName }, "announcing an edit failed"));
  }

  async afterUnloadDocument({ documentName }: { documentName: string }): Promise<void> {
    this.lastEditedEvent.delete(documentName);
  }

  async beforeHandleAwareness({
    states,
    context,
  }: beforeHandleAwarenessPayload<CollabContext>): Promise<void> {
    if (!context?.user) return;
    for (const state of states.values()) {
      const claimed = (state.user ?? {}) as Record<string, unknown>;
      state.user = {
        ...claimed,
        id: context.user.id,
        name: context.user.name,
        role: context.user.role,
        color:
          typeof claimed.color === "string" && /^#[0-9a-f]{6}$/i.test(claimed.color)
            ? claimed.color
            : "#6366f1",
      };
    }
  }
}
