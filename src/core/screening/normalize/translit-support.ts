import { transliterate } from "transliteration";
import { registerTransliterationSupport } from "./support.js";

// Imported for its effect: registers the transliteration library (see support.ts).
registerTransliterationSupport({ transliterate: (text) => transliterate(text, { unknown: " " }) });
