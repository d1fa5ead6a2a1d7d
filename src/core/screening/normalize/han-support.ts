import * as OpenCC from "opencc-js";
import { pinyin, polyphonic } from "pinyin-pro";
import { HAN_DICTIONARY_TSV } from "./han-dictionary.js";
import { registerHanSupport } from "./support.js";

// Imported for its effect: registers the Chinese stage's libraries (see support.ts).
let toSimplified: ((s: string) => string) | undefined;
const OPTIONS = { toneType: "none", type: "array", v: true } as const;

registerHanSupport({
  toSimplified(text) {
    // The converter's tables are built on first use.
    toSimplified ??= OpenCC.Converter({ from: "t", to: "cn" }) as (s: string) => string;
    return toSimplified(text);
  },
  pinyin: (text) => pinyin(text, OPTIONS) as string[],
  polyphonic: (text) => polyphonic(text, OPTIONS) as string[][],
  dictionary: HAN_DICTIONARY_TSV,
});
