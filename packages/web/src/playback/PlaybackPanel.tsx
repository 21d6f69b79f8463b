import { LANGUAGE_INFO, type Language } from "@observer/protocol";
import { useCallback, useMemo } from "react";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { Loading, Spinner } from "../ui/Spinner.tsx";
import { EventDetails } from "./EventDetails.tsx";
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon } from "./icons.tsx";
import { PlaybackEditor } from "./PlaybackEditor.tsx";
import { formatClock, formatOffset, PLAYBACK_SPEEDS } from "./playback-clock.ts";
import { provenanceText } from "./provenance-text.ts";
import { TimelineTrack } from "./TimelineTrack.tsx";
import { usePlayback } from "./usePlayback.ts";

const SEGMENT =
  "h-8 min-w-11 px-2.5 text-sm font-semibold transition-colors focus-visible:relative focus-visible:outline-2 focus-visible:outline-indigo-600";
const SEGMENT_ON = "bg-indigo-600 text-white dark:bg-indigo-500";
const SEGMENT_OFF =
  "bg-white text-slate-700 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700";

/**
 * Playback of one student's code over the whole session: a read-only editor with the code of
 * the slider's moment, the timeline (runs coloured by how they ended, pastes, raised hands,
 * teacher edits, typing activity), play/pause at 1×, 4× or 16×, previous/next event, the
 * moment's time, and how much of the code was typed or pasted. The history loads once when the
 * panel opens; Refresh loads what happened since.
 */
export function PlaybackPanel({
  sessionId,
  userId,
  studentName,
  fallbackLanguage,
  className = "",
}: {
  sessionId: string;
  userId: string;
  /** Whose code, for labels ("Ada’s code at 09:42"); "Your" for the student's own. */
  studentName: string | null;
  fallbackLanguage: Language;
  className?: string;
}) {
  const playback = usePlayback(sessionId, userId, fallbackLanguage);
  const { recording, state, moment, query } = playback;
  const whose = studentName ? `${studentName}’s` : "Your";

  const counts = useMemo(() => {
    const events = recording?.reply.events ?? [];
    const of = (kind: string) => events.filter((e) => e.kind === kind).length;
    return { runs: of("run"), pastes: of("paste"), hands: of("hand") };
  }, [recording]);

  const { seek, select } = playback;
  const selected = state.selected;
  const showAfter = useMemo(() => {
    if (
      !recording ||
      !selected ||
      (selected.event.kind !== "paste" && selected.event.kind !== "teacher_edit")
    )
      return null;
    const after = recording.tape.times.find((t) => t > selected.at);
    return after === undefined ? null : () => seek(after);
  }, [recording, selected, seek]);
  const jump = useCallback((to: typeof playback.next) => to && select(to), [select]);

  if (!recording || !moment) {
    return (
      <section
        aria-label="Playback"
        className={`rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900 ${className}`}
      >
        {query.error ? <ErrorAlert error={query.error} /> : <Loading label="Loading the playback…" />}
      </section>
    );
  }

  const { from, to, reply } = recording;
  const language = moment.language;
  return (
    <section
      aria-label="Playback"
      data-testid="playback"
      className={`space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
        <h2 className="text-base font-semibold text-slate-900 dark:text-white">Playback</h2>
        <p className="text-sm tabular-nums text-slate-700 dark:text-slate-200" data-testid="playback-time">
          <time dateTime={new Date(state.time).toISOString()} className="font-semibold">
            {formatClock(state.time)}
          </time>{" "}
          <span className="text-slate-500 dark:text-slate-400">
            · {formatOffset(state.time - from)} into the session
          </span>
        </p>
        <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="playback-provenance">
          {provenanceText(reply.provenance)}
        </p>
        <Button
          variant="ghost"
          className="ml-auto h-8 px-2.5"
          onClick={() => void query.reload()}
          busy={query.loading}
          title="Load what happened since the playback opened"
        >
          Refresh
        </Button>
      </div>
      <div className="grid gap-3 lg:h-[min(50dvh,24rem)] lg:grid-cols-[minmax(0,7fr)_minmax(0,5fr)]">
        <div className="relative h-80 overflow-hidden rounded-xl border border-slate-200 bg-white lg:h-auto dark:border-slate-800 dark:bg-[#1e1e1e]">
          <PlaybackEditor
            code={moment.code}
            language={language}
            ariaLabel={`${whose} ${LANGUAGE_INFO[language].label} code at ${formatClock(state.time)} (read-only)`}
          />
          {reply.frames.length === 0 && (
            <p className="absolute inset-0 flex items-center justify-center text-sm text-slate-500 dark:text-slate-400">
              No code saved yet.
            </p>
          )}
          <span className="pointer-events-none absolute top-2 right-3 rounded-md bg-slate-100/90 px-1.5 py-0.5 text-[11px] font-semibold text-slate-600 dark:bg-slate-800/90 dark:text-slate-300">
            {LANGUAGE_INFO[language].label} · read-only
          </span>
        </div>
        <div className="min-h-48 lg:min-h-0">
          <EventDetails
            marker={selected}
            from={from}
            counts={counts}
            onClose={playback.closeDetails}
            onShowAfter={showAfter}
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          className="h-8 px-3"
          onClick={() => jump(playback.previous)}
          disabled={!playback.previous}
        >
          <PreviousIcon /> Previous event
        </Button>
        <Button className="h-8 w-24 px-3" onClick={playback.togglePlay} data-testid="playback-play">
          {state.playing ? (
            <>
              <PauseIcon /> Pause
            </>
          ) : (
            <>
              <PlayIcon /> Play
            </>
          )}
        </Button>
        <Button
          variant="secondary"
          className="h-8 px-3"
          onClick={() => jump(playback.next)}
          disabled={!playback.next}
        >
          Next event <NextIcon />
        </Button>
        <fieldset className="ml-2 flex items-center gap-2">
          <legend className="sr-only">Speed</legend>
          <span aria-hidden="true" className="text-sm font-medium text-slate-600 dark:text-slate-300">
            Speed
          </span>
          <div className="flex overflow-hidden rounded-lg border border-slate-300 shadow-sm dark:border-slate-600">
            {PLAYBACK_SPEEDS.map((speed) => (
              <button
                key={speed}
                type="button"
                aria-pressed={state.speed === speed}
                aria-label={`${speed}× speed`}
                onClick={() => playback.setSpeed(speed)}
                className={`${SEGMENT} ${state.speed === speed ? SEGMENT_ON : SEGMENT_OFF} border-slate-300 not-first:border-l dark:border-slate-600`}
              >
                {speed}×
              </button>
            ))}
          </div>
        </fieldset>
        {query.loading && <Spinner className="size-4" />}
        <p className="ml-auto hidden text-xs text-slate-500 xl:block dark:text-slate-400">
          Slider: ← → one second · Page Up/Down one minute · Home/End
        </p>
      </div>
      <TimelineTrack
        from={from}
        to={to}
        time={state.time}
        markers={recording.markers}
        activity={recording.activity}
        selectedKey={selected?.key ?? null}
        onSelect={select}
        onSeek={seek}
        label={`${whose} code over the session`}
      />
      <div className="flex justify-between pl-20 text-xs tabular-nums text-slate-500 dark:text-slate-400">
        <span className="mx-2">{formatClock(from)}</span>
        <span className="mx-2">{formatClock(to)}</span>
      </div>
    </section>
  );
}
