/**
 * Legal forms in English, other European languages, Russian (native and romanized) and pinyin. They
 * say what kind of company it is, not which one, so they are removed before matching: "Huawei
 * Technologies Co., Ltd." and "Huawei Technologies Company Limited" must score the same, and two
 * unrelated "X Co., Ltd." must not look alike because of "Co., Ltd.".
 */
const PHRASES: readonly string[] = [
  "public joint stock company",
  "open joint stock company",
  "closed joint stock company",
  "joint stock company",
  "joint stock limited company",
  "limited liability company",
  "limited liability partnership",
  "public limited company",
  "private limited company",
  "private limited",
  "limited company",
  "company limited",
  "publichnoe aktsionernoe obshchestvo",
  "otkrytoe aktsionernoe obshchestvo",
  "zakrytoe aktsionernoe obshchestvo",
  "aktsionernoe obshchestvo",
  "publichnoe aktsionernoe obschestvo",
  "otkrytoe aktsionernoe obschestvo",
  "zakrytoe aktsionernoe obschestvo",
  "aktsionernoe obschestvo",
  "state corporation",
  "gosudarstvennaya korporatsiya",
  "federal state unitary enterprise",
  "federalnoe gosudarstvennoe unitarnoe predpriyatie",
  "federal state budgetary institution",
  "obshchestvo s ogranichennoi otvetstvennostyu",
  "obshchestvo s ogranichennoy otvetstvennostyu",
  "gufen youxian gongsi",
  "youxian zeren gongsi",
  "youxian gongsi",
  "sdn bhd",
  "kabushiki kaisha",
  "co ltd",
  "pte ltd",
  "pvt ltd",
  "pty ltd",
];

const SINGLE = new Set([
  "co",
  "company",
  "ltd",
  "ltda",
  "limited",
  "inc",
  "incorporated",
  "corp",
  "corporation",
  "korporatsiya",
  "goskorporatsiya",
  "llc",
  "llp",
  "lp",
  "plc",
  "gmbh",
  "ag",
  "sa",
  "sas",
  "sarl",
  "srl",
  "spa",
  "bv",
  "nv",
  "oy",
  "ab",
  "pte",
  "pvt",
  "pty",
  "jsc",
  "ojsc",
  "cjsc",
  "pjsc",
  "pao",
  "oao",
  "zao",
  "ooo",
  "ao",
  "nao",
  // Russian state enterprises and institutions: federal state unitary enterprise, state unitary enterprise,
  // federal treasury enterprise, federal state (budgetary, autonomous) institution.
  "fgup",
  "gup",
  "fkp",
  "fgu",
  "fgbu",
  "fgau",
  "tov",
  "fzco",
  "fze",
  "fzc",
  "fzllc",
  "kk",
  "bhd",
  "gongsi",
  "sl",
  "as",
  "jscb",
  "ojsc",
]);

const PHRASE_TOKENS = PHRASES.map((p) => p.split(" ")).sort((a, b) => b.length - a.length);

export function isLegalForm(token: string): boolean {
  return SINGLE.has(token);
}

/**
 * Stage: marks each token that belongs to a legal form. A multi-word form is matched as a whole so
 * "joint stock company" goes, while "joint" alone in "Joint Venture Holdings" stays. `protectedTokens`
 * (pinyin syllables such as "ao" from 澳) are never treated as legal forms.
 */
export function markLegalForms(tokens: readonly string[], protectedTokens?: readonly boolean[]): boolean[] {
  const legal = tokens.map(() => false);
  let i = 0;
  while (i < tokens.length) {
    let consumed = 0;
    for (const phrase of PHRASE_TOKENS) {
      if (i + phrase.length > tokens.length) continue;
      let ok = true;
      for (let k = 0; k < phrase.length; k++) {
        if (tokens[i + k] !== phrase[k] || protectedTokens?.[i + k]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        consumed = phrase.length;
        break;
      }
    }
    if (consumed === 0 && SINGLE.has(tokens[i]!) && !protectedTokens?.[i]) consumed = 1;
    for (let k = 0; k < consumed; k++) legal[i + k] = true;
    i += consumed > 0 ? consumed : 1;
  }
  // A name made only of legal words ("Company Limited") keeps them: better a weak name than none.
  if (legal.every(Boolean)) return tokens.map(() => false);
  return legal;
}
