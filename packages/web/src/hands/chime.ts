/**
 * A short two-note chime made with the Web Audio API (no sound file to load). Browsers let a
 * page play sound only after the user interacted with it; turning the alerts on is such an
 * interaction, and `prime()` (called then) unlocks the audio context for later chimes.
 */
let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof AudioContext === "undefined") return null;
  context ??= new AudioContext();
  return context;
}

/** Unlocks audio from a user gesture (the click that turned the alerts on). */
export function prime(): void {
  void audio()
    ?.resume()
    .catch(() => {});
}

export function chime(): void {
  const ctx = audio();
  if (!ctx) return;
  const start = ctx.currentTime;
  for (const [i, frequency] of [660, 880].entries()) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    const at = start + i * 0.16;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.32);
  }
}
