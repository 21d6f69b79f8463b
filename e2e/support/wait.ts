/**
 * Reads `read()` until what it returns matches `pattern` (any text when there is no pattern;
 * `undefined` means "nothing to read yet"), and returns it. After `timeoutMs` it throws
 * `failure(last)`, with the last text read. The one polling loop of the e2e helpers:
 * playwright-core has no `expect`, and the tests wait for what a person would see.
 */
export async function waitForText(
  read: () => Promise<string | undefined>,
  pattern: RegExp | undefined,
  timeoutMs: number,
  failure: (last: string) => string,
  intervalMs = 100,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const text = await read();
    if (text !== undefined) {
      last = text;
      if (!pattern || pattern.test(text)) return text;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(failure(last));
}
