/**
 * Stage 1. NFKC folds compatibility forms that people paste from PDFs and CJK input methods:
 * full-width letters and brackets (（北京）, ＡＢＣ), ligatures (ﬁ), circled and superscript digits.
 */
export function nfkc(text: string): string {
  return text.normalize("NFKC");
}
