import { startAnthropicFake } from "./anthropic-fake.ts";
import type { FakeOptions, FakeProvider } from "./fake-provider.ts";
import { startGeminiFake } from "./gemini-fake.ts";
import { startOpenAiFake } from "./openai-fake.ts";

export {
  DEFAULT_FAKE_KEY,
  FAKE_SOLUTION_LINES,
  type FakeProvider,
  type RecordedRequest,
} from "./fake-provider.ts";
export { startAnthropicFake, startGeminiFake, startOpenAiFake };

/** The three AI fakes at once (behaviours: fake-provider.ts); `close()` stops all three. */
export async function startAiFakes(
  options: FakeOptions = {},
): Promise<{ openai: FakeProvider; anthropic: FakeProvider; gemini: FakeProvider; close(): Promise<void> }> {
  const [openai, anthropic, gemini] = await Promise.all([
    startOpenAiFake(options),
    startAnthropicFake(options),
    startGeminiFake(options),
  ]);
  return {
    openai,
    anthropic,
    gemini,
    close: async () => {
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    },
  };
}
