import { describe, expect, it } from "vitest";
import "./han-support.js";
import "./translit-support.js";
import { normalizeName } from "./pipeline.js";

const tokens = (s: string): string[][] => normalizeName(s).map((n) => [...n.tokens]);

describe("normalizeName", () => {
  it("makes legal-form and case variants identical", () => {
    expect(tokens("HUAWEI TECH CO LTD")).toEqual(tokens("Huawei Technologies Company Limited"));
    expect(tokens("4Paradigm Technology Limited Company")).toEqual(tokens("4Paradigm Technology Co., Ltd."));
  });
  it("gives Chinese input a glossary reading, a pinyin reading and a dictionary reading", () => {
    expect(tokens("華為技術有限公司")).toEqual([
      ["hua", "wei", "technology"],
      ["hua", "wei", "ji", "shu"],
      ["huawei", "technology"],
    ]);
    expect(tokens("浪潮电子信息产业股份有限公司").map((t) => t.join(" "))).toContain(
      "wave electronic information industry",
    );
  });
  it("reads 航空航天 as aeronautics and astronautics in the alternative reading, 航天 alone as aerospace", () => {
    const readings = (s: string) => tokens(s).map((t) => t.join(" "));
    expect(readings("北京航空航天大学")).toContain("beijing aeronautic astronautic university");
    expect(readings("中国航天科技集团")).toContain("china aerospace science technology group");
  });
  it("renders proper names in the dictionary reading as lists write them", () => {
    const readings = (s: string) => tokens(s).map((t) => t.join(" "));
    // "Zhejiang Province", without the administrative word; the rest of the name stays in pinyin.
    expect(readings("浙江大华技术股份有限公司")).toContain("zhejiang da hua technology");
    // 哈尔滨 is a "see 哈尔滨市" entry in CC-CEDICT, rendered from the entry it points to.
    expect(readings("哈尔滨")).toContain("harbin");
    expect(readings("大疆创新")).toContainEqual(expect.stringMatching(/^dji /));
  });
  it("adds readings for the other pronunciations of polyphonic characters, a bounded number", () => {
    const readings = tokens("江西洪都航空工业集团有限责任公司").map((t) => t.join(" "));
    expect(readings).toContain("jiang xi hong dou aviation industry group");
    expect(readings).toContain("jiang xi hong du aviation industry group");
    expect(tokens("长长长长长长长长").length).toBeLessThanOrEqual(3 + 4);
  });
  it("also reads a unit's name without its parent-organisation prefix", () => {
    expect(tokens("中国人民解放军国防科技大学").map((t) => t.join(" "))).toContain(
      "national defense technology university",
    );
  });
  it("removes Russian state-corporation forms and the obschestvo spelling", () => {
    expect(tokens("Russian Technologies State Corporation")).toEqual([["russia", "technology"]]);
    expect(tokens("PUBLICHNOE AKTSIONERNOE OBSCHESTVO AEROFLOT")).toEqual([["aeroflot"]]);
  });
  it("transliterates Cyrillic and removes Russian legal forms", () => {
    const [n] = normalizeName("ПАО «Аэрофлот»");
    expect(n!.tokens).toEqual(["aeroflot"]);
    expect(n!.legal).toEqual(["pao"]);
    expect(n!.origins).toEqual(["transliterated"]);
  });
  it("flags organisation names", () => {
    expect(normalizeName("Acme Trading LLC")[0]!.organisation).toBe(true);
    expect(normalizeName("Li Fangwei")[0]!.organisation).toBe(false);
  });
});
