import { describe, expect, it } from "vitest";
import { ChipGateError } from "./errors.js";
import { type FederalRegisterDocument, parseDocumentsPage, selectEarUpdates } from "./federal-register.js";

const bis = [{ name: "Industry and Security Bureau", slug: "industry-and-security-bureau" }];
const doc = (
  over: Partial<FederalRegisterDocument> & { document_number: string },
): FederalRegisterDocument => ({
  title: `Document ${over.document_number}`,
  type: "Rule",
  publication_date: "2026-10-15",
  effective_on: null,
  cfr_references: [{ title: 15, part: 744 }],
  html_url: `https://www.federalregister.gov/d/${over.document_number}`,
  agencies: bis,
  ...over,
});

describe("parseDocumentsPage", () => {
  it("accepts the documented shape, digit-string CFR numbers, a missing results list when nothing matched", () => {
    const page = parseDocumentsPage(
      {
        count: 1,
        total_pages: 1,
        results: [
          {
            document_number: "2026-20001",
            title: "T",
            type: "Rule",
            publication_date: "2026-10-15",
            effective_on: null,
            cfr_references: [
              { title: "15", part: "740", chapter: "VII", citation_url: "https://example.org" },
            ],
            html_url: "https://www.federalregister.gov/d/2026-20001",
            agencies: [{ raw_name: "BUREAU OF INDUSTRY AND SECURITY", name: null, slug: null }],
          },
        ],
      },
      "http://fr.test/api/v1/documents.json",
    );
    expect(page.results?.[0]?.cfr_references).toEqual([{ title: 15, part: 740, chapter: "VII" }]);
    expect(parseDocumentsPage({ count: 0, total_pages: 0 }, "a").results).toBeUndefined();
  });

  it("names the address and each bad field", () => {
    let error: unknown;
    try {
      parseDocumentsPage({ count: 2, next_page_url: 5 }, "http://fr.test/api/v1/documents.json?page=1");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChipGateError);
    const e = error as ChipGateError;
    expect(e.code).toBe("REMOTE_SOURCE_ERROR");
    expect(e.message).toContain("http://fr.test/api/v1/documents.json?page=1");
    expect(e.issues.map((i) => i.path).sort()).toEqual(["next_page_url", "results"]);
    expect(() => parseDocumentsPage("<html>", "a")).toThrow(/\(root\)/);
  });
});

describe("selectEarUpdates", () => {
  it("keeps BIS documents on or after the date that reference a watched part of title 15", () => {
    const docs = [
      doc({ document_number: "on-the-date", publication_date: "2026-09-30" }),
      doc({ document_number: "day-before", publication_date: "2026-09-29" }),
      doc({ document_number: "title-22", cfr_references: [{ title: 22, part: 744 }] }),
      doc({ document_number: "part-730", cfr_references: [{ title: 15, part: 730 }] }),
      doc({ document_number: "no-part", cfr_references: [{ title: 15, part: null }] }),
      doc({ document_number: "null-refs", cfr_references: null }),
      doc({ document_number: "other-agency", agencies: [{ name: "Census Bureau", slug: "census-bureau" }] }),
      doc({ document_number: "no-agency-list", agencies: undefined }),
      doc({
        document_number: "every-part",
        cfr_references: [734, 736, 740, 742, 744, 748, 762, 774].map((part) => ({ title: 15, part })),
      }),
    ];
    expect(selectEarUpdates(docs, "2026-09-30").map((d) => d.documentNumber)).toEqual([
      "on-the-date",
      "every-part",
      "no-agency-list",
    ]);
  });

  it("lists every 15 CFR part a kept document references, once each, ascending", () => {
    const [only] = selectEarUpdates(
      [
        doc({
          document_number: "2026-20002",
          cfr_references: [
            { title: 15, part: 774 },
            { title: 15, part: 730 },
            { title: 15, part: 774 },
            { title: 22, part: 121 },
          ],
        }),
      ],
      "2026-01-01",
    );
    expect(only?.cfrParts).toEqual([730, 774]);
  });

  it("lists a document read twice (overlapping pages) once, sorted by date then number", () => {
    const docs = [
      doc({ document_number: "2026-20010", publication_date: "2026-11-02" }),
      doc({ document_number: "2026-20009", publication_date: "2026-11-02" }),
      doc({ document_number: "2026-20001", publication_date: "2026-10-01", effective_on: "2026-10-01" }),
      doc({ document_number: "2026-20010", publication_date: "2026-11-02" }),
    ];
    const out = selectEarUpdates(docs, "2026-09-30");
    expect(out.map((d) => d.documentNumber)).toEqual(["2026-20001", "2026-20009", "2026-20010"]);
    expect(out[0]).toEqual({
      documentNumber: "2026-20001",
      title: "Document 2026-20001",
      type: "Rule",
      publicationDate: "2026-10-01",
      effectiveOn: "2026-10-01",
      cfrParts: [744],
      htmlUrl: "https://www.federalregister.gov/d/2026-20001",
    });
  });
});
