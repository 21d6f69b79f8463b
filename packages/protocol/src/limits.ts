/** Size limits shared by server validation and client forms. */
export const LIMITS = {
  /** Largest HTTP request body in bytes (larger -> 413). */
  bodyBytes: 1024 * 1024,
  emailChars: 254,
  nameChars: 80,
  passwordMinChars: 8,
  passwordMaxChars: 256,
  sessionNameChars: 120,
  /** Largest starter code or student code, in bytes of UTF-8. */
  codeBytes: 256 * 1024,
  joinCodeChars: 6,
  /** Bounds of a session's wall-time limit per program run, in seconds. */
  minRunTimeLimitSeconds: 1,
  maxRunTimeLimitSeconds: 600,
  /** Longest message of a raised hand, in characters. */
  handMessageChars: 500,
  /** Highest line a hand may point at: the most lines code of `codeBytes` can have. */
  handMaxLine: 256 * 1024 + 1,
} as const;
