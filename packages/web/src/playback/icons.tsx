/** The playback controls' icons (drawn, not emoji: the same in every font), hidden from readers. */
const SVG = { viewBox: "0 0 16 16", className: "size-3.5 fill-current" } as const;

export const PlayIcon = () => (
  <svg aria-hidden="true" {...SVG}>
    <path d="M4 2.5v11l9-5.5z" />
  </svg>
);

export const PauseIcon = () => (
  <svg aria-hidden="true" {...SVG}>
    <path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z" />
  </svg>
);

export const PreviousIcon = () => (
  <svg aria-hidden="true" {...SVG}>
    <path d="M3 2.5h2v11H3zM13 2.5v11L6 8z" />
  </svg>
);

export const NextIcon = () => (
  <svg aria-hidden="true" {...SVG}>
    <path d="M11 2.5h2v11h-2zM3 2.5v11L10 8z" />
  </svg>
);
