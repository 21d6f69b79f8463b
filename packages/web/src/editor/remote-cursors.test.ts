import { describe, expect, it } from "vitest";
import { cssString, remoteCursorCss } from "./remote-cursors.ts";

describe("remote cursor styles", () => {
  it("turns any name into a CSS string that cannot break out of its rule", () => {
    expect(cssString("Grace Teacher")).toBe('"Grace Teacher"');
    const nasty = cssString('Bob"; } body { display: none } </style><script>');
    expect(nasty).toMatch(/^"[^"{}<>;]*"$/);
    expect(cssString("Zoë 🙂")).toBe('"Zo\\eb  \\1f642 "');
  });

  it("colours the selection and labels the cursor of one client", () => {
    const css = remoteCursorCss(42, { name: "Grace", color: "#15803d" });
    expect(css).toContain(".yRemoteSelection-42{background-color:#15803d38;}");
    expect(css).toContain(".yRemoteSelectionHead-42{");
    expect(css).toContain('.yRemoteSelectionHead-42::after{content:"Grace";');
    expect(css).toContain("background:#15803d;color:#ffffff;");
  });

  it("falls back to a safe colour when the colour is not #rrggbb", () => {
    const css = remoteCursorCss(7, { name: "x", color: "red;} body{display:none" });
    expect(css).not.toContain("display:none");
    expect(css).toContain("#6366f1");
  });
});
