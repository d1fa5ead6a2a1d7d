import { describe, expect, it } from "vitest";
import "./han-support.js";
import "./translit-support.js";
import { foldCaseAndDiacritics } from "./fold.js";
import { isGenericWord } from "./generic.js";
import { chineseNumeral, hanToLatin, traditionalToSimplified } from "./han.js";
import { markLegalForms } from "./legal-forms.js";
import { nfkc } from "./nfkc.js";
import { phoneticKey } from "./phonetic.js";
import { isPlace } from "./places.js";
import { normalizePunctuation } from "./punctuation.js";
import { toLatin, translateArabicScript } from "./script.js";
import { tokenize } from "./tokenize.js";
import { canonicalWord, foldPlural, isStopWord } from "./words.js";

describe("nfkc", () => {
  it("folds full-width letters and brackets", () => {
    expect(nfkc("ＨＵＡＷＥＩ（北京）")).toBe("HUAWEI(北京)");
    expect(nfkc("ﬁber")).toBe("fiber");
  });
});

describe("foldCaseAndDiacritics", () => {
  it("lower-cases and strips Latin diacritics", () => {
    expect(foldCaseAndDiacritics("Société Générale ÆØ Straße")).toBe("societe generale aeo strasse");
  });
  it("keeps marks that belong to other scripts for the transliteration stage", () => {
    expect(foldCaseAndDiacritics("Й")).toBe("й");
  });
});

describe("normalizePunctuation", () => {
  it("drops apostrophes inside words and turns & into and", () => {
    expect(normalizePunctuation("Mashinostroitel'nyi R&D")).toBe("Mashinostroitelnyi R and D");
  });
  it("separates on every other punctuation", () => {
    expect(normalizePunctuation("Co., Ltd. (Group)—«X»")).toBe("Co Ltd Group X");
  });
});

describe("tokenize", () => {
  it("re-joins dotted initialisms and strips ordinal suffixes", () => {
    expect(tokenize("huawei s a 14th u s a")).toEqual(["huawei", "sa", "14", "usa"]);
  });
  it("keeps a lone letter", () => {
    expect(tokenize("t platforms")).toEqual(["t", "platforms"]);
  });
});

describe("phoneticKey", () => {
  it("merges letters that romanizations swap", () => {
    expect(phoneticKey("rosoboroneksport")).toBe(phoneticKey("rosoboronexport"));
    expect(phoneticKey("kasperskiy")).toBe(phoneticKey("kaspersky"));
    expect(phoneticKey("melli")).toBe(phoneticKey("meli"));
  });
  it("keeps unrelated words apart", () => {
    expect(phoneticKey("jiang")).not.toBe(phoneticKey("yang"));
    expect(phoneticKey("zhou")).not.toBe(phoneticKey("zhu"));
  });
});

describe("Chinese stage", () => {
  it("converts traditional to simplified", () => {
    expect(traditionalToSimplified("華為技術")).toBe("华为技术");
  });
  it("renders generic words in English, the name in pinyin, and drops legal forms", () => {
    const t = hanToLatin("华为技术有限公司", "translate").map((s) => s.text);
    expect(t).toEqual(["hua", "wei", "technology"]);
    const p = hanToLatin("华为技术有限公司", "pinyin").map((s) => s.text);
    expect(p).toEqual(["hua", "wei", "ji", "shu"]);
  });
  it("reads Chinese ordinals as numbers", () => {
    expect(hanToLatin("第十四研究所", "translate").map((s) => s.text)).toEqual(["14", "research institute"]);
    expect(hanToLatin("第五十五", "translate").map((s) => s.text)).toEqual(["55"]);
  });
});

describe("Chinese numerals", () => {
  const read = (text: string): string[] => hanToLatin(text, "translate").map((s) => s.text);
  it("reads positional numerals", () => {
    expect(chineseNumeral("十二")).toBe(12);
    expect(chineseNumeral("二十")).toBe(20);
    expect(chineseNumeral("一百二十三")).toBe(123);
    expect(chineseNumeral("二百零八")).toBe(208);
    expect(chineseNumeral("一千〇二")).toBe(1002);
  });
  it("reads numerals written digit by digit, with either zero", () => {
    expect(chineseNumeral("二〇八")).toBe(208);
    expect(chineseNumeral("二零八")).toBe(208);
    expect(chineseNumeral("六一二")).toBe(612);
    expect(chineseNumeral("研究")).toBeUndefined();
  });
  it("reads ordinals in every form: 第十二, 第二〇八, 第二百零八, 第六研究所", () => {
    expect(read("第十二")).toEqual(["12"]);
    expect(read("第二〇八研究所")).toEqual(["208", "research institute"]);
    expect(read("第二零八研究所")).toEqual(["208", "research institute"]);
    expect(read("第二百零八研究所")).toEqual(["208", "research institute"]);
    expect(read("第六研究所")).toEqual(["6", "research institute"]);
  });
  it("reads a number that names an institute or factory without 第", () => {
    expect(read("六一二所")).toEqual(["612", "institute"]);
    expect(read("七〇二所")).toEqual(["702", "institute"]);
    expect(read("一五九厂")).toEqual(["159", "factory"]);
    expect(read("二〇八")).toEqual(["208"]);
  });
  it("reads 第 and 所 around Arabic digits like Chinese numerals", () => {
    expect(read("第709研究所")).toEqual(["709", "research institute"]);
    expect(read("709所").filter((t) => t.trim() !== "")).toEqual(["709", "institute"]);
  });
  it("leaves numerals that are part of a name to pinyin", () => {
    expect(read("三一重工")).toEqual(["san", "yi", "heavy industry"]);
    expect(read("万科")).toEqual(["wan", "ke"]);
  });
});

describe("toLatin", () => {
  it("transliterates Cyrillic and leaves Latin text alone", () => {
    expect(toLatin("Аэрофлот")).toBe("Aeroflot");
    expect(toLatin("plain text")).toBe("plain text");
  });
});

describe("markLegalForms", () => {
  it("marks multi-word and single legal forms", () => {
    expect(markLegalForms(["public", "joint", "stock", "company", "megafon"])).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(markLegalForms(["huawei", "technology", "co", "ltd"])).toEqual([false, false, true, true]);
  });
  it("leaves a lone word of a phrase and protected pinyin syllables", () => {
    expect(markLegalForms(["joint", "venture"])).toEqual([false, false]);
    expect(markLegalForms(["ao", "men"], [true, true])).toEqual([false, false]);
  });
  it("keeps a name made only of legal words", () => {
    expect(markLegalForms(["company", "limited"])).toEqual([false, false]);
  });
});

describe("generic words", () => {
  it("folds spellings, abbreviations and nationality adjectives", () => {
    expect(canonicalWord("tech")).toEqual(["technology"]);
    expect(canonicalWord("chinese")).toEqual(["china"]);
    expect(canonicalWord("hk")).toEqual(["hong", "kong"]);
    expect(isStopWord("of")).toBe(true);
  });
  it("folds plurals and agent forms of long words only", () => {
    expect(foldPlural("industries")).toBe("industry");
    expect(foldPlural("airlines")).toBe("airline");
    expect(foldPlural("computer")).toBe(foldPlural("computing"));
    expect(foldPlural("swiss")).toBe("swiss");
    expect(foldPlural("bus")).toBe("bus");
  });
  it("knows places and generic organisation words", () => {
    expect(isPlace("shenzhen")).toBe(true);
    expect(isGenericWord("technology")).toBe(true);
    expect(isGenericWord("huawei")).toBe(false);
  });
});

describe("Chinese glossary alternatives", () => {
  it("gives a second reading in the register of university names", () => {
    expect(hanToLatin("西北工业大学", "translate").map((s) => s.text)).toEqual([
      "northwest",
      "industry",
      "university",
    ]);
    expect(hanToLatin("西北工业大学", "alternative").map((s) => s.text)).toEqual([
      "northwestern",
      "polytechnical",
      "university",
    ]);
  });
});

describe("Persian and Arabic glossary", () => {
  it("renders generic words in English and leaves names for transliteration", () => {
    const segments = translateArabicScript("بانک ملی ایران");
    expect(segments.filter((s) => s.origin === "translated").map((s) => s.text)).toEqual([
      "bank",
      "melli",
      "iran",
    ]);
    expect(translateArabicScript("Huawei")).toEqual([{ text: "Huawei", origin: "input" }]);
    expect(translateArabicScript("سپاه پاسداران").some((s) => s.origin === "input")).toBe(true);
  });
});

describe("generic words after plural folding", () => {
  it("recognizes plural-folded forms", () => {
    expect(isGenericWord("logistic")).toBe(true);
    expect(isGenericWord("physic")).toBe(true);
    expect(isGenericWord("huawei")).toBe(false);
  });
});

describe("Russian and Persian readings", () => {
  it("romanizes Russian letters as the lists do: ц ts, х kh, hard and soft signs dropped", () => {
    expect(toLatin("корпорация химпром")).toBe("korporatsiya khimprom");
    expect(toLatin("объединенная авиастроительная")).toBe("obedinennaya aviastroitelnaya");
  });
  it("drops Russian state-enterprise legal forms", () => {
    expect(markLegalForms(["fgup", "rosoboroneksport"])).toEqual([true, false]);
    expect(markLegalForms(["federal", "state", "unitary", "enterprise", "x"])).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
  it("gives a Persian word read as a name its translation too", () => {
    const melli = translateArabicScript("بانک ملی").find((s) => s.text === "melli");
    expect(melli?.alternatives).toEqual(["national"]);
  });
});
