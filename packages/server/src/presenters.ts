import type { Hand, Participant, Session, User } from "@observer/protocol";
import type { HandViewRow } from "./storage/hands.ts";
import type { SessionRow, UserRow } from "./storage/schema.ts";

/** The public shape of a user (never the password hash). */
export function presentUser(row: Pick<UserRow, "id" | "email" | "name" | "role">): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

export function presentAdminUser(row: UserRow) {
  return { ...presentUser(row), active: row.active, createdAt: row.created_at.toISOString() };
}

export type SessionViewRow = SessionRow & { teacher_name: string; participant_count: number | string };

export function presentSession(row: SessionViewRow): Session {
  return {
    id: row.id,
    name: row.name,
    joinCode: row.join_code,
    language: row.language,
    starterCode: row.starter_code,
    runTimeLimitSeconds: row.run_time_limit_seconds,
    status: row.status,
    editing: row.editing,
    running: row.running,
    languageLocked: row.language_locked,
    broadcast: row.broadcast,
    ai: row.ai,
    aiQuestionsPerHour: row.ai_questions_per_hour,
    archiveOnEnd: row.archive_on_end,
    archiveRepo: row.archive_repo,
    teacherId: row.teacher_id,
    teacherName: row.teacher_name,
    createdAt: row.created_at.toISOString(),
    endedAt: row.ended_at ? row.ended_at.toISOString() : null,
    participantCount: Number(row.participant_count),
  };
}

export function presentParticipant(
  row: { user_id: string; name: string; email: string; joined_at: Date },
  online: boolean,
): Participant {
  return {
    userId: row.user_id,
    name: row.name,
    email: row.email,
    online,
    joinedAt: row.joined_at.toISOString(),
  };
}

/** A raised hand as the API and the session channel show it. */
export function presentHand(row: HandViewRow): Hand {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    name: row.student_name,
    message: row.message,
    line: row.line,
    status: row.status,
    position: row.position === null ? null : Number(row.position),
    helperName: row.helper_name,
    createdAt: row.created_at.toISOString(),
    claimedAt: row.claimed_at ? row.claimed_at.toISOString() : null,
    resolvedAt: row.resolved_at ? row.resolved_at.toISOString() : null,
  };
}
