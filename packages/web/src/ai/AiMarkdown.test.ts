import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AiMarkdown } from "./AiMarkdown.tsx";
import { codeBlockLanguage, safeLinkUrl } from "./markdown-safety.ts";

const render = (text: string, highlight: Parameters<typeof AiMarkdown>[0]["highlight"] = null) =>
  renderToStaticMarkup(createElement(AiMarkdown, { text, fallbackLanguage: "python", highlight }));

describe("AiMarkdown", () => {
  it("renders HTML in an answer as inert text: no script, no element, no handler", () => {
    const html = render(
      'Try <script>alert("x")</script> or <img src=x onerror="alert(1)"> <b>bold</b>\n\n<iframe src="https://evil.test"></iframe>',
    );
    expect(html).not.toMatch(/<script|<img|<iframe|<b>/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("&lt;iframe");
  });

  it("drops javascript:, data: and relative links, keeps http(s) ones without opener or referrer", () => {
    const html = render(
      "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,<script>) [d](/api/x) [e](https://docs.python.org/3/)",
    );
    expect(html).not.toMatch(/javascript:|data:|href="\/api/i);
    expect(html).toContain(
      '<a href="https://docs.python.org/3/" target="_blank" rel="noopener noreferrer nofollow"',
    );
    expect(html.match(/<a /g)).toHaveLength(1);
  });

  it("does not load images: their description shows instead", () => {
    const html = render("![tracker](https://evil.test/pixel.png)");
    expect(html).not.toMatch(/<img|evil\.test/);
    expect(html).toContain("[image: tracker]");
  });

  it("highlights code blocks (the fence's language, else the student's) and keeps the text whole", () => {
    const calls: string[] = [];
    const html = render(
      "```js\nlet x = 1;\n```\n\n```\nprint(x)\n```\n\n```text\n<b>out</b>\n```",
      (code, language) => {
        calls.push(`${language}:${code}`);
        return code.split("\n").map((line) => [{ text: line, kind: "keyword" as const }]);
      },
    );
    expect(calls).toEqual(["javascript:let x = 1;", "python:print(x)"]);
    expect(html).toContain('<span class="text-[#0000ff] dark:text-[#569cd6]">let x = 1;</span>');
    expect(html).toContain("&lt;b&gt;out&lt;/b&gt;");
  });
});

describe("safeLinkUrl and codeBlockLanguage", () => {
  it("keeps only absolute http(s) and mailto URLs", () => {
    expect(safeLinkUrl("https://example.org/a?b=1")).toBe("https://example.org/a?b=1");
    expect(safeLinkUrl("mailto:t@school.test")).toBe("mailto:t@school.test");
    expect(safeLinkUrl(" javascript:alert(1)")).toBeNull();
    expect(safeLinkUrl("java\tscript:alert(1)")).toBeNull();
    expect(safeLinkUrl("//evil.test")).toBeNull();
  });

  it("reads the language of a fence", () => {
    expect(codeBlockLanguage("language-py")).toBe("python");
    expect(codeBlockLanguage("language-C++")).toBe("cpp");
    expect(codeBlockLanguage("language-console")).toBe("none");
    expect(codeBlockLanguage(undefined)).toBeNull();
  });
});
