import { describe, expect, it } from "vitest";
import "./normalize/han-support.js";
import "./normalize/translit-support.js";
import { ChipGateError } from "../errors.js";
import { buildScreeningIndex } from "./build-index.js";
import { CSL_COLUMNS, type CslRecord, listCodeOfSource } from "./csl.js";
import type { EnrichmentRow } from "./enrichment.js";
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
    // Learned from one record of the list, the abbreviation alone makes a lead for review, not a match.
    expect(short.band).toBe("review");
    expect(short.explanation.adjustments.some((a) => /respelling the list gives/.test(a.reason))).toBe(true);
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

describe("ordinary English words", () => {
  // The everyday names of issue 13 against listed names that share one ordinary word with them.
  const own = buildScreeningIndex([
    record("apex", "APEX"),
    record("apexco", "Apex Quorvant Kelvatrix Devices", { alt_names: "Summit Quorvant Kelvatrix Devices" }),
    record("orion", "Joint Stock Company Scientific Production Association Orion", {
      alt_names: "JSC SPA Orion",
    }),
    record("eagles", "THE EAGLES L.L.C."),
    record("sirius", "KONTSERN SIRIUS OAO", { alt_names: "JSC SIRIUS" }),
    record("atlas", "IRANIAN ATLAS COMPANY"),
    record("hero", "HERO II", { alt_names: "PIONEER", type: "Vessel" }),
    record("ark", "ARK", { alt_names: "CRYSTAL", type: "Vessel" }),
    ...filler,
  ]);
  it.each([
    "Summit Electronics Ltd.",
    "Orion Trading Co.",
    "Eagle Systems Inc.",
    "Sirius Electronics",
    "Atlas Industries Inc.",
    "Pioneer Systems Inc.",
    "Crystal Systems Inc",
  ])("do not flag %s when only one ordinary word is shared", (name) => {
    const hits = screenName(own, { name }).hits;
    expect(hits.filter((h) => h.band === "match")).toEqual([]);
    expect(hits).toEqual([]);
  });
  it("keep a name of one ordinary word below match even when written alone", () => {
    const hit = screenName(own, { name: "Sirius" }).hits[0]!;
    expect(hit.id).toBe("sirius");
    expect(hit.band).toBe("review");
    expect(hit.explanation.adjustments.some((a) => /ordinary English word/.test(a.reason))).toBe(true);
  });
});

describe("precision of what the list teaches and what the query lacks", () => {
  const own = buildScreeningIndex([
    record("pair", "Quorvant Kelvatrix Devices Co., Ltd.", {
      alt_names: "Quorvant Shenglun Devices Co., Ltd.",
    }),
    record("parent", "Kelvatrix Holdings Limited"),
    record("two", "Brimbleton Zorvath Navigation"),
    ...filler,
  ]);
  it("does not make a match of a respelling learned from one record", () => {
    const hit = screenName(own, { name: "Shenglun Holdings" }).hits.find((h) => h.id === "parent")!;
    expect(hit.band).toBe("review");
  });
  it("keeps a listed name whose other distinctive words the query lacks below match", () => {
    const hit = screenName(own, { name: "Brimbleton" }).hits.find((h) => h.id === "two");
    expect(hit === undefined || hit.band === "review").toBe(true);
    if (hit)
      expect(hit.explanation.adjustments.some((a) => /"zorvath" is missing/.test(a.reason))).toBe(true);
    expect(screenName(own, { name: "Brimbleton Zorvath Navigation" }).hits[0]?.band).toBe("match");
  });
});

describe("several English readings of a Chinese organisation word", () => {
  const own = buildScreeningIndex([
    record("prop", "Xi'an Aerospace Propulsion Institute"),
    record("prec", "Kelvatria Accuracy Instruments Co., Ltd."),
    ...filler,
  ]);
  it("reads 动力 as propulsion as well as power, and says it was translated", () => {
    const hit = screenName(own, { name: "西安航天动力研究所" }).hits[0]!;
    expect(hit.id).toBe("prop");
    expect(hit.explanation.matches).toContainEqual(
      expect.objectContaining({ query: "power", listed: "propulsion", how: "translated" }),
    );
  });
  it("never lets another reading of a generic word make a hit on its own", () => {
    expect(screenName(own, { name: "精密仪器有限公司" }).hits).toEqual([]);
  });
});

describe("Chinese institute numbers", () => {
  const own = buildScreeningIndex([
    record("six", "6th Research Institute of Kuafante Electronics"),
    record("i612", "Kaierwa 612 Institute"),
    record("i208", "208th Research Institute of Kaierwa Group"),
    ...filler,
  ]);
  it("meet the listed number in any written form", () => {
    expect(screenName(own, { name: "夸凡特电子第六研究所" }).hits[0]?.id).toBe("six");
    expect(screenName(own, { name: "凯尔瓦六一二所" }).hits[0]?.id).toBe("i612");
    for (const name of [
      "凯尔瓦集团第二〇八研究所",
      "凯尔瓦集团第二零八研究所",
      "凯尔瓦集团第二百零八研究所",
    ]) {
      expect(screenName(own, { name }).hits[0]?.id).toBe("i208");
    }
  });
});

describe("native-script names from the enrichment data", () => {
  const row = (over: Partial<EnrichmentRow>): EnrichmentRow => ({
    list: "EL",
    listedName: "Quorvant Microsystems Co., Ltd.",
    listedId: "",
    country: "",
    nativeName: "夸凡特微系统",
    script: "Hans",
    sourceUrl: "https://example.com/report",
    retrieved: "2026-12-06",
    evidence: "verified",
    notes: "",
    line: 2,
    ...over,
  });
  const records = [record("q", "Quorvant Microsystems Co., Ltd.", { country: "CN" }), ...filler];
  it("counts a verified name as an alias and explains where it comes from", () => {
    const own = buildScreeningIndex(records, [row({})]);
    const hit = screenName(own, { name: "夸凡特微系统" }).hits[0]!;
    expect(hit.id).toBe("q");
    expect(hit.band).toBe("match");
    expect(hit.explanation.enrichment).toEqual({
      nativeName: "夸凡特微系统",
      script: "Hans",
      sourceUrl: "https://example.com/report",
      retrieved: "2026-12-06",
      evidence: "verified",
    });
    expect(hit.explanation.summary).toMatch(
      /native-script name from enrichment "夸凡特微系统" \(verified; source: https:\/\/example.com\/report\)/,
    );
  });
  it("lets an unverified name raise a hit to review, never to match", () => {
    const own = buildScreeningIndex(records, [row({ evidence: "unverified", sourceUrl: "", retrieved: "" })]);
    const hit = screenName(own, { name: "夸凡特微系统" }).hits[0]!;
    expect(hit.id).toBe("q");
    expect(hit.band).toBe("review");
    expect(hit.explanation.enrichment?.evidence).toBe("unverified");
    expect(hit.explanation.adjustments.some((a) => /unverified/.test(a.reason))).toBe(true);
  });
  it("joins by list and normalized name, narrowed by country, or by id; and reports the rows that did not join", () => {
    const own = buildScreeningIndex(records, [
      row({ listedName: "QUORVANT MICROSYSTEMS CO LTD", country: "CN", line: 2 }),
      row({ listedName: "Renamed Since", listedId: "q", line: 3 }),
      row({ country: "RU", line: 4 }),
      row({ list: "SDN", line: 5 }),
    ]);
    expect(own.enrichment.joinedRows).toBe(2);
    expect(own.enrichment.joinedRecords).toBe(1);
    expect(own.enrichment.unjoined.map((u) => [u.line, u.reason])).toEqual([
      [4, "the EL record of that name is not in RU"],
      [5, "no SDN record of that name"],
    ]);
  });
});

describe("result controls", () => {
  // One name listed fourteen times, half on the Entity List and half on the SDN list.
  const many = buildScreeningIndex([
    ...Array.from({ length: 14 }, (_, i) =>
      record(`k${String(i).padStart(2, "0")}`, "Kelvatrix Quorvant Trading", {
        source:
          i % 2 === 0
            ? "Entity List (EL) - Bureau of Industry and Security"
            : "Specially Designated Nationals (SDN) - Treasury Department",
        ...(i === 0 && { country: "CN" }),
      }),
    ).map((r) => ({ ...r, list: listCodeOfSource(r.source)! })),
    ...filler,
  ]);
  it("return at most `limit` hits and say how many more there are", () => {
    const all = screenName(many, { name: "Kelvatrix Quorvant" }, { limit: 100 });
    expect(all.moreHits).toBe(0);
    const few = screenName(many, { name: "Kelvatrix Quorvant" }, { limit: 3 });
    expect(few.hits).toHaveLength(3);
    expect(few.moreHits).toBe(all.hits.length - 3);
    expect(screenName(many, { name: "Kelvatrix Quorvant" }).hits.length).toBeLessThanOrEqual(10);
  });
  it("filter by lowest score and by list", () => {
    const all = screenName(many, { name: "Kelvatrix Quorvant", country: "CN" }, { limit: 100 }).hits;
    expect(all[0]!.id).toBe("k00");
    expect(all[0]!.score).toBeGreaterThan(all[1]!.score);
    const high = screenName(
      many,
      { name: "Kelvatrix Quorvant", country: "CN" },
      { limit: 100, minScore: all[0]!.score },
    ).hits;
    expect(high.map((h) => h.id)).toEqual(["k00"]);
    const sdn = screenName(many, { name: "Kelvatrix Quorvant" }, { limit: 100, lists: ["SDN"] }).hits;
    expect(sdn.length).toBeGreaterThan(0);
    expect(sdn.every((h) => h.list === "SDN")).toBe(true);
  });
  it("reject a bad limit, score, list code or an over-long name, naming the field", () => {
    expect(() => screenName(many, { name: "x" }, { limit: 0 })).toThrow(/limit: must be a whole number/);
    expect(() => screenName(many, { name: "x" }, { minScore: 2 })).toThrow(/minScore/);
    expect(() => screenName(many, { name: "x" }, { lists: ["XX" as never] })).toThrow(/unknown list "XX"/);
    expect(() => screenName(many, { name: "x".repeat(501) })).toThrow(/name: longer than 500/);
  });
});

describe("Persian words lists translate or transliterate", () => {
  const own = buildScreeningIndex([
    record("nioc", "National Iranian Oil Company"),
    record("bmi", "Bank Melli Iran"),
    ...filler,
  ]);
  it("reads ملی as melli and as national", () => {
    expect(screenName(own, { name: "شرکت ملی نفت ایران" }).hits[0]?.id).toBe("nioc");
    expect(screenName(own, { name: "بانک ملی ایران" }).hits[0]?.id).toBe("bmi");
  });
});
