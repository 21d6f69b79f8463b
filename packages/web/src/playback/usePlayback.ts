import { type Language, type PlaybackReply, PlaybackTape } from "@observer/protocol";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/client.ts";
import { useQuery } from "../api/useQuery.ts";
import { advance, type PlaybackSpeed } from "./playback-clock.ts";
import { activityStrip, type Marker, markersOf, nextMarker, previousMarker } from "./timeline-markers.ts";

/** A loaded history, ready to scrub: the tape, the span, the markers and the activity strip. */
export interface PlaybackRecording {
  reply: PlaybackReply;
  tape: PlaybackTape;
  from: number;
  to: number;
  markers: Marker[];
  activity: ReturnType<typeof activityStrip>;
}

function record(reply: PlaybackReply, fallback: Language): PlaybackRecording {
  const from = Date.parse(reply.from);
  const to = Math.max(from, Date.parse(reply.to));
  return {
    reply,
    tape: new PlaybackTape(reply.frames, reply.frames[0]?.language ?? fallback),
    from,
    to,
    markers: markersOf(reply.events, from, to),
    activity: activityStrip(reply.events, from, to),
  };
}

/** The playback of a recording: where it is, whether it plays and how fast, the event picked. */
export interface PlaybackState {
  time: number;
  playing: boolean;
  speed: PlaybackSpeed;
  /** The marker last jumped to or clicked (its details show), or null. */
  selected: Marker | null;
}

/**
 * A student's history for playback, loaded once (`reload` for the latest), and the playhead:
 * it starts at the end (the code as it is now), plays at 1×, 4× or 16× on animation frames and
 * stops at the end. Each step only moves `time`; the code of a moment comes from the tape
 * (`PlaybackTape.momentAt`), rebuilt from its nearest kept copy.
 */
export function usePlayback(sessionId: string, userId: string, fallback: Language) {
  const query = useQuery(`${sessionId}/${userId}`, () =>
    api.call("studentPlayback", { params: { id: sessionId, userId } }),
  );
  const recording = useMemo(() => (query.data ? record(query.data, fallback) : null), [query.data, fallback]);
  const [state, setState] = useState<PlaybackState>({ time: 0, playing: false, speed: 1, selected: null });

  // A new recording: to its end, paused.
  useEffect(() => {
    if (recording) setState((s) => ({ ...s, time: recording.to, playing: false, selected: null }));
  }, [recording]);

  const frame = useRef<number | null>(null);
  useEffect(() => {
    if (!state.playing || !recording) return;
    let last = performance.now();
    const step = (now: number) => {
      const elapsed = now - last;
      last = now;
      setState((s) => {
        const next = advance(s.time, elapsed, s.speed, recording.to);
        return { ...s, time: next.time, playing: !next.ended };
      });
      frame.current = requestAnimationFrame(step);
    };
    frame.current = requestAnimationFrame(step);
    return () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [state.playing, recording]);

  const seek = useCallback(
    (time: number) => {
      if (!recording) return;
      const clamped = Math.min(recording.to, Math.max(recording.from, time));
      setState((s) => ({ ...s, time: clamped }));
    },
    [recording],
  );

  const select = useCallback((marker: Marker) => {
    setState((s) => ({ ...s, time: marker.at, selected: marker, playing: false }));
  }, []);

  const togglePlay = useCallback(() => {
    if (!recording) return;
    setState((s) => {
      if (s.playing) return { ...s, playing: false };
      // At the end, play starts over.
      return { ...s, playing: true, time: s.time >= recording.to ? recording.from : s.time };
    });
  }, [recording]);

  const setSpeed = useCallback((speed: PlaybackSpeed) => setState((s) => ({ ...s, speed })), []);

  const next = recording ? nextMarker(recording.markers, state.time) : null;
  const previous = recording ? previousMarker(recording.markers, state.time) : null;
  const moment = recording ? recording.tape.momentAt(state.time) : null;

  return {
    query,
    recording,
    state,
    moment,
    next,
    previous,
    seek,
    select,
    togglePlay,
    setSpeed,
    closeDetails: useCallback(() => setState((s) => ({ ...s, selected: null })), []),
  };
}
