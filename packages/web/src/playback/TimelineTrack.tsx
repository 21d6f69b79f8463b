import { memo } from "react";
import { LANES, markerDot } from "./marker-style.ts";
import { formatClock, offsetWords } from "./playback-clock.ts";
import type { ActivityStrip, Marker } from "./timeline-markers.ts";
import { markerText } from "./timeline-markers.ts";

/** The slider's keys (its value is in milliseconds: the browser's own steps would be too small). */
const KEY_STEPS: Record<string, (time: number, from: number, to: number) => number> = {
  ArrowLeft: (time) => time - 1000,
  ArrowDown: (time) => time - 1000,
  ArrowRight: (time) => time + 1000,
  ArrowUp: (time) => time + 1000,
  PageDown: (time) => time - 60_000,
  PageUp: (time) => time + 60_000,
  Home: (_time, from) => from,
  End: (_time, _from, to) => to,
};

/** Half the slider thumb: the lanes and strip are inset by it, so they line up with the thumb. */
const INSET = "mx-2";

const THUMB =
  "[&::-webkit-slider-thumb]:size-4 [&::-webkit-slider-thumb]:appearance-none [&::-webkit-slider-thumb]:rounded-full [&::-webkit-slider-thumb]:border-2 [&::-webkit-slider-thumb]:border-white [&::-webkit-slider-thumb]:bg-indigo-600 [&::-webkit-slider-thumb]:shadow dark:[&::-webkit-slider-thumb]:border-slate-900 dark:[&::-webkit-slider-thumb]:bg-indigo-400 [&::-moz-range-thumb]:size-4 [&::-moz-range-thumb]:rounded-full [&::-moz-range-thumb]:border-2 [&::-moz-range-thumb]:border-white [&::-moz-range-thumb]:bg-indigo-600";

/**
 * The playback's timeline: a lane of markers per kind of event (buttons: click or Enter jumps
 * there), the editing activity per minute as a faint strip, and the slider (arrows move a
 * second, Page Up/Down a minute, Home/End to the ends). A playhead line
 * runs through lanes and strip at the slider's moment.
 */
export function TimelineTrack({
  from,
  to,
  time,
  markers,
  activity,
  selectedKey,
  onSelect,
  onSeek,
  label,
}: {
  from: number;
  to: number;
  time: number;
  markers: readonly Marker[];
  activity: ActivityStrip;
  selectedKey: string | null;
  onSelect: (marker: Marker) => void;
  onSeek: (time: number) => void;
  label: string;
}) {
  const span = Math.max(1, to - from);
  const offset = Math.min(span, Math.max(0, time - from));
  const playhead = `${(offset / span) * 100}%`;
  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    const target = KEY_STEPS[event.key]?.(time, from, to);
    if (target === undefined) return;
    event.preventDefault();
    onSeek(target);
  };
  return (
    <div className="space-y-1.5">
      <div className="relative">
        <MarkerLanes markers={markers} selectedKey={selectedKey} onSelect={onSelect} />
        <div className={`pointer-events-none absolute inset-y-0 left-20 right-0 ${INSET}`} aria-hidden="true">
          <div className="absolute inset-y-0 w-px bg-indigo-500/70" style={{ left: playhead }} />
        </div>
      </div>
      <div className="flex items-center gap-2">
        <span className="w-18 shrink-0 text-right text-xs font-medium text-slate-500 dark:text-slate-400">
          Typing
        </span>
        <div className={`relative h-5 flex-1 ${INSET}`} aria-hidden="true" data-testid="activity-strip">
          {activity.levels.map((level, i) =>
            level === 0 ? null : (
              <div
                // biome-ignore lint/suspicious/noArrayIndexKey: one bar per stretch of time, in order
                key={i}
                className="absolute bottom-0 rounded-t-[1px] border-x border-transparent bg-indigo-500 bg-clip-padding dark:bg-indigo-400"
                style={{
                  left: `${((i * activity.bucketMs) / span) * 100}%`,
                  width: `${(Math.min(activity.bucketMs, span - i * activity.bucketMs) / span) * 100}%`,
                  height: `${20 + level * 80}%`,
                  opacity: 0.2 + level * 0.4,
                }}
              />
            ),
          )}
          <div className="absolute inset-y-0 w-px bg-indigo-500/70" style={{ left: playhead }} />
        </div>
      </div>
      <div className="flex items-center gap-2">
        <span className="w-18 shrink-0" />
        <input
          type="range"
          min={0}
          max={span}
          step={1}
          value={offset}
          onChange={(e) => onSeek(from + Number(e.target.value))}
          onKeyDown={onKeyDown}
          aria-label={label}
          aria-valuetext={`${formatClock(time)}, ${offsetWords(time - from)}`}
          data-testid="playback-slider"
          className={`h-2 flex-1 cursor-pointer appearance-none rounded-full bg-slate-200 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-indigo-600 dark:bg-slate-700 ${THUMB}`}
        />
      </div>
    </div>
  );
}

/** The markers, lane by lane: they never move while the playhead does, so they are memoised. */
const MarkerLanes = memo(function MarkerLanes({
  markers,
  selectedKey,
  onSelect,
}: {
  markers: readonly Marker[];
  selectedKey: string | null;
  onSelect: (marker: Marker) => void;
}) {
  const lanes = LANES.map((lane) => ({
    ...lane,
    markers: markers.filter((m) => m.event.kind === lane.kind),
  }));
  return (
    <ul aria-label="Events" className="space-y-1">
      {lanes.map((lane) => (
        <li key={lane.kind} className="flex items-center gap-2">
          <span className="w-18 shrink-0 text-right text-xs font-medium text-slate-500 dark:text-slate-400">
            {lane.label}
          </span>
          <div
            className={`relative h-5 flex-1 border-b border-dashed border-slate-200 dark:border-slate-700/70 ${INSET}`}
            data-testid={`lane-${lane.kind}`}
          >
            {lane.markers.map((marker) => {
              const text = `${markerText(marker.event)}, ${formatClock(marker.at)}`;
              const selected = marker.key === selectedKey;
              return (
                <button
                  key={marker.key}
                  type="button"
                  title={text}
                  aria-label={text}
                  aria-pressed={selected}
                  data-marker={marker.event.kind}
                  onClick={() => onSelect(marker)}
                  style={{ left: `${marker.position * 100}%` }}
                  className={`group absolute top-1/2 flex size-5 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full focus-visible:outline-2 focus-visible:outline-indigo-600 ${selected ? "bg-indigo-100 ring-2 ring-indigo-500 dark:bg-indigo-950" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
                >
                  <span
                    className={`block size-2.5 transition-transform group-hover:scale-125 ${markerDot(marker)}`}
                  />
                </button>
              );
            })}
          </div>
        </li>
      ))}
    </ul>
  );
});
