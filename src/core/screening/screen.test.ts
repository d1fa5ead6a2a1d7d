import { describe, expect, it } from "vitest";
import "./normalize/han-support.js";
import "./normalize/translit-support.js";
import { ChipGateError } from "../errors.js";
import { buildScreeningIndex } from "./build-index.js";
import { CSL_COLUMNS, type CslRecord } from "./csl.js";
import { DEFAULT_REVIEW_THRESHOLD, screenName } from "./screen.js";

function record(id: string, name: string, extra: Partial<Record<string, string>> = {}): CslRecord {
  const r: Record<string, string> = {};
  for (const c of CSL_COLUMNS) r[c] = "";
  Object.assign(
    r,
    {
      _id: id,
      name,
      source: "Entity List (EL) - Bureau of Industry and Security",
      country: "",
      snapshot_date: "",
      snapshot_origin: "",
    },
    extra,
  );
  return { ...(r as unknown as CslRecord), list: "EL", row: 2 };
}

const filler = Array.from({ length: 60 }, (_, i) =>
  record(
    `f${i}`,
    `${["Beijing", "Shanghai", "Moscow"][i % 3]} ${["Alpha", "Orion", "Vega", "Lyra", "Nova"][i % 5]}${i} Technology Co., Ltd.`,
  ),
);
const index = buildScreeningIndex([
  record("hw", "Huawei Technologies Co., Ltd.", {
    alt_names: "Shenzhen Huawei Technologies; Huawei Technology",
    country: "CN",
  }),
  record("mk", "PJSC Mikron", { addresses: "Zelenograd, Moscow, RU", country: "RU" }),
  record("zp", "Beijing Zhipu Huazhang Technology Co., Ltd.", { alt_names: "Zhipu AI" }),
  ...filler,
]);

describe("screenName", () => {
  it("finds a listed party written in Chinese characters and explains how", () => {
    const { hits } = screenName(index, { name: "华为技术有限公司" });
    expect(hits[0]?.id).toBe("hw");
    expect(hits[0]?.band).toBe("match");
    expect(hits[0]?.explanation.matches).toContainEqual(
      expect.objectContaining({ query: "huawei", listed: "huawei", how: "translated" }),
    );
  });
  it("joins pinyin syllables that the list writes as one word, and says so", () => {
    const { hits } = screenName(index, { name: "Hua Wei Technologies" });
    expect(hits[0]?.id).toBe("hw");
    expect(hits[0]?.explanation.matches).toContainEqual(
      expect.objectContaining({ query: "hua wei", listed: "huawei", how: "spacing" }),
    );
  });
  it("treats legal-form and case variants as the same name", () => {
    const [hit] = screenName(index, { name: "HUAWEI TECH CO LTD" }).hits;
    expect(hit?.id).toBe("hw");
    expect(hit?.band).toBe("match");
  });
  it("catches a typo and reports its distance", () => {
    const [hit] = screenName(index, { name: "Beijing Zhipu Huazxang Technology" }).hits;
    expect(hit?.id).toBe("zp");
    expect(hit?.explanation.matches.find((m) => m.how === "typo")?.distance).toBe(1);
  });
  it("matches joined aliases", () => {
    expect(screenName(index, { name: "ZHIPUAI" }).hits[0]?.id).toBe("zp");
  });
  it("does not match on generic words and places alone", () => {
    expect(screenName(index, { name: "Beijing Technology Co., Ltd." }).hits).toEqual([]);
    expect(screenName(index, { name: "Acme Widgets" }).hits).toEqual([]);
  });
  it("lets the country raise or lower the score, and says so", () => {
    const cn = screenName(index, { name: "Huawei Technology", country: "CN" }).hits[0]!;
    const us = screenName(index, { name: "Huawei Technology", country: "US" }).hits[0]!;
    expect(cn.score).toBeGreaterThan(us.score);
    expect(us.explanation.adjustments[0]?.reason).toMatch(/differs from query country US/);
  });
  it("uses an address word to support a near match", () => {
    const hit = screenName(index, { name: "Mikron", address: "Zelenograd" }).hits[0]!;
    expect(hit.explanation.adjustments.some((a) => a.delta > 0 && /address/.test(a.reason))).toBe(true);
  });
  it("rejects an empty name and a malformed country", () => {
    expect(() => screenName(index, { name: " " })).toThrow(ChipGateError);
    expect(() => screenName(index, { name: "x", country: "CHN" })).toThrow(/alpha-2/);
  });
});

describe("screenName precision rules", () => {
  const more = buildScreeningIndex([
    record("hum", "HARAKAT UL-MUJAHIDEEN", { alt_names: "HUA" }),
    record("dt", "LIMITED LIABILITY COMPANY DIGITAL TECHNOLOGIES"),
    record("casc", "CHINA AEROSPACE SCIENCE AND TECHNOLOGY CORPORATION"),
    record("bmi", "BANK MELLI IRAN"),
    record("nwpu", "Northwestern Polytechnical University"),
    ...filler,
  ]);
  it("lets a short alias match only the whole query", () => {
    expect(screenName(more, { name: "Hua Hong Semiconductor Limited" }).hits).toEqual([]);
    expect(screenName(more, { name: "HUA" }).hits[0]?.id).toBe("hum");
  });
  it("matches a name of generic words only as a whole, and only a specific one", () => {
    expect(screenName(more, { name: "Digital Technology Co., Ltd." }).hits).toEqual([]);
    expect(screenName(more, { name: "China Aerospace Science & Technology Corp" }).hits[0]?.id).toBe("casc");
    expect(screenName(more, { name: "China Aerospace Trading Co." }).hits).toEqual([]);
  });
  it("reaches translated names through the Chinese and Persian glossaries", () => {
    const nwpu = screenName(more, { name: "西北工业大学" }).hits[0];
    expect(nwpu?.id).toBe("nwpu");
    expect(nwpu?.explanation.matches.every((m) => m.how === "translated")).toBe(true);
    expect(screenName(more, { name: "بانک ملی ایران" }).hits[0]?.id).toBe("bmi");
  });
  it("forms acronyms with an initial per direction of a compass compound", () => {
    expect(screenName(more, { name: "NWPU" }).hits[0]?.id).toBe("nwpu");
    expect(screenName(more, { name: "NPU" }).hits).toEqual([]);
  });
  const rules = buildScreeningIndex([
    record("rx", "Xi'an Ruixin Investment Co., Ltd."),
    record("vg", "OOO VOLGA GROUP"),
    record("vg2", "Volga Shipping"),
    record("mk", "PJSC Mikron"),
    record("lx", "Lanxiang Shipbuilding Consulting"),
    ...filler,
  ]);
  it("keeps one shared word below review when both names say something else", () => {
    const hit = screenName(
      rules,
      { name: "Shenzhen Ruixin Display Technology Co., Ltd." },
      { reviewThreshold: 0.3 },
    ).hits[0];
    expect(hit?.id).toBe("rx");
    expect(hit!.score).toBeLessThan(DEFAULT_REVIEW_THRESHOLD);
    expect(hit!.explanation.adjustments.some((a) => /only "ruixin" is distinctive/.test(a.reason))).toBe(
      true,
    );
    expect(screenName(rules, { name: "Ruixin Investment" }).hits[0]?.id).toBe("rx");
    expect(screenName(rules, { name: "LLC Volga Instrument Supply" }).hits).toEqual([]);
    // A long shared word is specific enough on its own.
    const long = screenName(rules, { name: "Lanxiang Logistics" }, { reviewThreshold: 0.3 }).hits[0]!;
    expect(long.id).toBe("lx");
    expect(long.explanation.adjustments).toEqual([]);
  });
  it("does not let a near spelling of the only shared word reach review next to other words", () => {
    expect(screenName(rules, { name: "Micron Technology, Inc." }).hits).toEqual([]);
    expect(screenName(rules, { name: "Mikron Technology" }).hits[0]?.id).toBe("mk");
    expect(screenName(rules, { name: "Mikronn" }).hits[0]?.id).toBe("mk");
  });
  it("lowers the score when the names give different cities", () => {
    const same = screenName(rules, { name: "Xi'an Ruixin Investment" }).hits[0]!;
    const other = screenName(rules, { name: "Hefei Ruixin Investment" }, { reviewThreshold: 0.3 }).hits[0]!;
    expect(other.score).toBeLessThan(same.score);
    expect(
      other.explanation.adjustments.some((a) => /listed place "xian" differs from "hefei"/.test(a.reason)),
    ).toBe(true);
  });
  it("lowers the score for distinctive query words the listed name lacks", () => {
    const exact = screenName(index, { name: "Huawei Technologies" }).hits[0]!;
    const extra = screenName(index, { name: "Huawei Lakeside Harbor Technologies" }).hits[0];
    expect(extra === undefined || extra.score < exact.score - 0.2).toBe(true);
  });
});

describe("respellings the list gives in a record's aliases", () => {
  const own = buildScreeningIndex([
    record("sub", "Quorvant Kelvatrix Devices Co., Ltd.", {
      alt_names: "Quorvant Shenglun Devices Co., Ltd.",
    }),
    record("parent", "Kelvatrix Holdings Limited"),
    record("other", "Shenglun Orchard Farms"),
    ...filler,
  ]);

  it("lets a word meet the word it stands for in another record, and says so", () => {
    const hit = screenName(own, { name: "Shenglun Holdings Limited" }).hits.find((h) => h.id === "parent");
    expect(hit).toBeDefined();
    expect(hit!.explanation.matches.some((m) => m.how === "alias" && m.listed === "kelvatrix")).toBe(true);
  });

  it("learns nothing from a name and alias that share no word", () => {
    const other = buildScreeningIndex([
      record("a", "Quorvant Kelvatrix", { alt_names: "Brimble Shenglun" }),
      record("parent", "Kelvatrix Holdings Limited"),
      ...filler,
    ]);
    expect(other.synonyms.size).toBe(0);
  });
});

describe("abbreviations the list spells out", () => {
  const own = buildScreeningIndex([
    record("group", "Quorvant Industry Corporation of Kelvatria, Ltd.", { alt_names: "QUIK" }),
    record("unit", "Quorvant Industry Corporation of Kelvatria 417 Institute"),
    ...filler,
  ]);

  it("reads an abbreviation as the words it stands for in other records, both ways", () => {
    const short = screenName(own, { name: "QUIK 417 Institute" }).hits[0]!;
    expect(short.id).toBe("unit");
    expect(short.band).toBe("match");
    expect(short.explanation.matches).toContainEqual(
      expect.objectContaining({ query: "quik", listed: "quorvant industry kelvatria", how: "alias" }),
    );
    const long = screenName(own, { name: "Quorvant Industry Corp. of Kelvatria" }).hits.map((h) => h.id);
    expect(long).toContain("group");
  });

  it("learns no abbreviation shorter than four letters", () => {
    const short = buildScreeningIndex([
      record("g", "Harakat Ul Ansar", { alt_names: "HUA" }),
      record("u", "Harakat Ul Ansar Brigade"),
      ...filler,
    ]);
    expect(short.synonyms.size).toBe(0);
  });
});

describe("misspelled generic words in the list", () => {
  const aircraftMakers = Array.from({ length: 12 }, (_, i) =>
    record(`ac${i}`, `${["Orion", "Vega", "Lyra", "Nova"][i % 4]}${i} Aircraft Plant`),
  );
  const own = buildScreeningIndex([
    record("typo", "Shaanxi Aircaft Industry Co., Ltd."),
    record("uac", "United Aircraft Corporation"),
    ...aircraftMakers,
    ...filler,
  ]);

  it("treats a rare list word one edit from a common generic word as that word, not as a name", () => {
    const hits = screenName(own, { name: "PJSC United Aircaft Corporation" }).hits;
    expect(hits[0]?.id).toBe("uac");
    expect(hits[0]?.explanation.matches).toContainEqual(
      expect.objectContaining({ query: "aircaft", listed: "aircraft", how: "typo", distance: 1 }),
    );
    expect(hits.map((h) => h.id)).not.toContain("typo");
  });

  it("still finds the record by its own full name", () => {
    expect(screenName(own, { name: "Shaanxi Aircaft Industry" }).hits[0]?.id).toBe("typo");
  });
});

describe("Chinese words the dictionary renders in English", () => {
  const own = buildScreeningIndex([
    record("para", "4Paradigm Technology Co., Ltd.", { alt_names: "Fourth Paradigm" }),
    ...filler,
  ]);

  it("reads 范式 as paradigm and 第四 as 4, and says the words were translated", () => {
    const [hit] = screenName(own, { name: "第四范式（北京）技术有限公司" }).hits;
    expect(hit?.id).toBe("para");
    expect(hit?.explanation.matches).toContainEqual(
      expect.objectContaining({ query: "4 paradigm", listed: "4paradigm", how: "spacing" }),
    );
  });
});

describe("numbers in names", () => {
  const own = buildScreeningIndex([
    record("v1", "Kelvatria Star 8672", { type: "Vessel" }),
    record("v2", "Kelvatria Star 8679", { type: "Vessel" }),
    ...filler,
  ]);

  it("reads a number one digit off as another number, not a typo", () => {
    const hits = screenName(own, { name: "Kelvatria Star 8679" }).hits;
    expect(hits[0]?.id).toBe("v2");
    const other = hits.find((h) => h.id === "v1");
    expect(other === undefined || other.band === "review").toBe(true);
    expect(other?.explanation.matches.some((m) => m.how === "typo")).not.toBe(true);
  });
});

describe("four-letter names", () => {
  const own = buildScreeningIndex([record("miea", "MIEA JSC"), record("kret", "KRET"), ...filler]);

  it("are not met by a word one edit away, which is as likely another name", () => {
    expect(screenName(own, { name: "Midea Group" }).hits).toEqual([]);
  });

  it("are still met when written as listed", () => {
    expect(screenName(own, { name: "MIEA" }).hits[0]?.id).toBe("miea");
    expect(screenName(own, { name: "Kret Group" }).hits[0]?.id).toBe("kret");
  });
});

describe("explanations of words from other scripts", () => {
  const own = buildScreeningIndex([record("bmi", "Bank Melli Iran"), ...filler]);

  it("say translated or transliterated as the word came, whatever was screened before", () => {
    const hows = (name: string) => screenName(own, { name }).hits[0]?.explanation.matches.map((m) => m.how);
    expect(hows("بانک ملی ایران")).toEqual(["translated", "translated", "translated"]);
    expect(hows("Банк Мелли Иран")).toEqual(["transliterated", "transliterated", "transliterated"]);
  });
});
