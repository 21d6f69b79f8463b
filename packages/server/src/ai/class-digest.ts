import {
  type AiDigestCluster,
  type AiDigestReply,
  LANGUAGE_INFO,
  type Language,
  runFailure,
  studentDocumentName,
} from "@observer/protocol";
import { generateText } from "ai";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { studentCodeOf } from "../collab/document-code.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { outcomeOfRow } from "../runs/run-outcome.ts";
import { documentStates } from "../storage/export-reads.ts";
import { listParticipants } from "../storage/participants.ts";
import { latestRunsOfSession } from "../storage/runs.ts";
import { errorSignature } from "./error-signature.ts";
import { providerErrorMessage } from "./provider-errors.ts";
import { languageModelFor } from "./provider-model.ts";
import { OUTPUT_TAIL_CHARS, plainOutput } from "./student-context.ts";
import { providerSettingsOf } from "./teacher-settings.ts";

/** Code lines shown around the error line, each side. */
const CONTEXT_LINES = 3;
/** Examples of each group sent to the model (never names: only code and the error). */
const EXAMPLES_PER_GROUP = 3;
/** Groups sent to the model at most (the biggest); the others keep their plain titles. */
const MAX_GROUPS_FOR_MODEL = 12;
const DIGEST_MODEL_MS = 30_000;

interface Failing {
  userId: string;
  name: string;
  language: Language;
  key: string;
  title: string;
  line: number | null;
  excerpt: string;
}

interface Group {
  key: string;
  title: string;
  members: Failing[];
}

/**
 * `POST /api/sessions/:id/ai/digest` (its teacher, admins): each student's latest run that
 * failed, grouped by its error signature (error-signature.ts: the same exception and
 * normalised message is one group), biggest group first. When the teacher has AI set up, the
 * model is asked once for a title and a sentence per group (code excerpts and errors only,
 * never the students' names); its answer is parsed with zod, and a group it misses (or a
 * model that fails) keeps the plain title.
 */
export async function classDigest(ctx: Ctx, actor: Actor, sessionId: string): Promise<AiDigestReply> {
  const { session, manage } = await sessionAccess(ctx, actor, sessionId);
  if (!manage) throw fail("forbidden", "Only the session's teacher sees the class digest.");
  const [participants, runs] = await Promise.all([
    listParticipants(ctx.db, sessionId),
    latestRunsOfSession(ctx.db, sessionId, { outputChars: 2 * OUTPUT_TAIL_CHARS }),
  ]);
  const names = new Map(participants.map((p) => [p.user_id, p.name]));
  const failingRuns = runs
    .filter((run) => names.has(run.user_id))
    .map((run) => ({ run, failure: runFailure({ ...outcomeOfRow(run), status: run.status }) }))
    .filter((r) => r.failure !== null);
  const states = await documentStates(
    ctx.db,
    failingRuns.map(({ run }) => studentDocumentName(sessionId, run.user_id)),
  );
  const failing: Failing[] = failingRuns.map(({ run, failure }) => {
    const { code, language } = studentCodeOf(
      states.get(studentDocumentName(sessionId, run.user_id)),
      session,
    );
    const signature = errorSignature(
      plainOutput(run.output),
      run.language,
      failure as NonNullable<typeof failure>,
      {
        exitCode: run.exit_code,
        signal: run.signal,
      },
    );
    return {
      userId: run.user_id,
      name: names.get(run.user_id) as string,
      language,
      ...signature,
      excerpt: excerptAround(code, signature.line),
    };
  });
  const groups = groupBySignature(failing);
  const clusters: AiDigestCluster[] = groups.map((group) => ({
    title: group.title,
    explanation: plainExplanation(group),
    students: group.members.map((m) => ({ userId: m.userId, name: m.name })),
  }));
  const settings = groups.length > 0 ? await providerSettingsOf(ctx, session.teacher_id) : null;
  if (settings) {
    const worded = await wordGroups(ctx, settings, groups.slice(0, MAX_GROUPS_FOR_MODEL));
    for (const [i, words] of worded) {
      const cluster = clusters[i];
      if (cluster) Object.assign(cluster, words);
    }
  }
  return { clusters, failingStudents: failing.length, at: new Date().toISOString() };
}

/** Groups by signature key: biggest first, then by title; students by name. */
export function groupBySignature(failing: readonly Failing[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const f of failing) {
    const group = byKey.get(f.key) ?? { key: f.key, title: f.title, members: [] };
    group.members.push(f);
    byKey.set(f.key, group);
  }
  const groups = [...byKey.values()];
  for (const g of groups)
    g.members.sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
  return groups.sort((a, b) => b.members.length - a.members.length || a.title.localeCompare(b.title));
}

function plainExplanation(group: Group): string {
  const n = group.members.length;
  const lines = group.members.map((m) => m.line).filter((l): l is number => l !== null);
  const common = mostCommon(lines);
  const where = common === null ? "" : ` (most often at line ${common})`;
  return `${n} ${n === 1 ? "student's" : "students'"} latest run ends with this error${where}.`;
}

function mostCommon(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [v, c] of counts) if (best === null || c > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** The code lines around `line` (numbered), or the first lines when the error names none. */
function excerptAround(code: string, line: number | null): string {
  const lines = code.split("\n");
  const from = line === null ? 0 : Math.max(0, line - 1 - CONTEXT_LINES);
  const to =
    line === null
      ? Math.min(lines.length, 2 * CONTEXT_LINES + 1)
      : Math.min(lines.length, line + CONTEXT_LINES);
  return lines
    .slice(from, to)
    .map(
      (text, i) =>
        `${from + i + 1 === line ? ">" : " "}${String(from + i + 1).padStart(3)} | ${text.slice(0, 200)}`,
    )
    .join("\n");
}

const modelAnswerSchema = z.object({
  clusters: z.array(
    z.object({
      group: z.number().int().positive(),
      title: z.string().trim().min(1).max(200),
      explanation: z.string().trim().min(1).max(600),
    }),
  ),
});

/** The digest's prompt: each group's error and a few excerpts of code, no names. */
export function digestPrompt(groups: readonly Group[]): string {
  const parts = [
    "A teacher runs a programming lab. Below, students whose latest run fails are grouped by the same error.",
    "For each group write a title (at most 12 words; name the error and where in the code it happens, code in backticks,",
    'e.g. "`IndexError` in the loop over `range(len(xs)+1)`") and one sentence for the teacher: the likely cause and what to tell the class.',
    'Answer only with JSON, nothing else: {"clusters":[{"group":1,"title":"…","explanation":"…"}]}',
    "",
  ];
  for (const [i, group] of groups.entries()) {
    parts.push(`Group ${i + 1}: ${group.title} (${group.members.length} students)`);
    for (const [j, m] of group.members.slice(0, EXAMPLES_PER_GROUP).entries()) {
      const ext = LANGUAGE_INFO[m.language].extension;
      parts.push(
        `Example ${j + 1}${m.line === null ? "" : ` (error at line ${m.line})`}:`,
        `\`\`\`\`${ext}`,
        m.excerpt,
        "````",
      );
    }
    parts.push("");
  }
  return parts.join("\n");
}

/** Asks the model once; the titles and sentences it gave, by group index. Empty when it fails. */
async function wordGroups(
  ctx: Ctx,
  settings: NonNullable<Awaited<ReturnType<typeof providerSettingsOf>>>,
  groups: readonly Group[],
): Promise<Map<number, { title: string; explanation: string }>> {
  const worded = new Map<number, { title: string; explanation: string }>();
  try {
    const { text } = await generateText({
      model: languageModelFor(settings),
      prompt: digestPrompt(groups),
      maxOutputTokens: 1500,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(DIGEST_MODEL_MS),
    });
    const json = text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1);
    const parsed = modelAnswerSchema.safeParse(JSON.parse(json));
    if (!parsed.success) throw new Error("the model's answer is not the JSON asked for");
    for (const c of parsed.data.clusters) {
      if (c.group <= groups.length) worded.set(c.group - 1, { title: c.title, explanation: c.explanation });
    }
  } catch (err) {
    ctx.log.warn(
      { reason: providerErrorMessage(err, settings.apiKey) },
      "AI digest: the model's titles are missing",
    );
  }
  return worded;
}
