/** Wall-time limits a teacher picks from for each program run; 30 s is the server's default. */
export const RUN_TIME_CHOICES = [10, 30, 60, 120, 300, 600] as const;
export const DEFAULT_RUN_TIME = 30;

/** "30 seconds", "1 minute", "5 minutes". */
export const runTimeLabel = (seconds: number) =>
  seconds < 60 || seconds % 60 !== 0
    ? `${seconds} seconds`
    : `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
