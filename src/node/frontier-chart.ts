import type { Frontier } from "../core/frontier.js";

const COLORS = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207"];
// Lines often coincide (several destinations share one rule), so each also gets its own dash pattern.
const DASHES = ["", "9 5", "3 4", "14 4 3 4", "6 3", "1 3", "10 2"];
const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A step chart of the best TPP exportable without a license over time, one line per destination, with the
 * rule events as dashed verticals. Plain SVG, so it renders anywhere (and to PNG through resvg).
 */
export function frontierSvg(frontiers: readonly Frontier[], title?: string): string {
  const width = 960;
  const height = 540;
  const m = { top: 56, right: 150, bottom: 190, left: 80 };
  const all = frontiers.flatMap((f) => f.steps);
  const t0 = Date.parse(`${all[0]?.from ?? "2022-01-01"}T00:00:00Z`);
  const t1 =
    Date.parse(
      `${
        all
          .map((s) => s.to)
          .sort()
          .at(-1) ?? "2026-12-31"
      }T00:00:00Z`,
    ) + 86_400_000;
  const maxTpp = Math.max(1000, ...all.map((s) => s.bestNoLicenseTpp ?? 0));
  const yMax = Math.ceil(maxTpp / 5000) * 5000;
  const x = (date: string) =>
    m.left + ((Date.parse(`${date}T00:00:00Z`) - t0) / (t1 - t0)) * (width - m.left - m.right);
  const xEnd = (date: string) =>
    x(new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
  const y = (tpp: number) => height - m.bottom - (tpp / yMax) * (height - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="28" font-size="17" font-weight="bold">${escapeXml(title ?? `Best TPP exportable without a license (${frontiers[0]?.mode ?? "as-enforced"})`)}</text>`,
  );
  for (let v = 0; v <= yMax; v += yMax / 5) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`,
      `<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#374151">${Math.round(v).toLocaleString("en-US")}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(20 ${(height - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle" fill="#374151">TPP (best chip, no license)</text>`,
  );
  const startYear = new Date(t0).getUTCFullYear();
  const endYear = new Date(t1).getUTCFullYear();
  for (let yr = startYear; yr <= endYear; yr++) {
    const d = `${yr}-01-01`;
    if (Date.parse(d) < t0 || Date.parse(d) > t1) continue;
    parts.push(
      `<text x="${x(d)}" y="${height - m.bottom + 18}" text-anchor="middle" fill="#374151">${yr}</text>`,
    );
  }
  const events = new Map<string, string>();
  for (const f of frontiers) for (const e of f.events) events.set(e.date, e.id);
  [...events.entries()].forEach(([date, id]) => {
    const xx = x(date);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${m.top}" y2="${height - m.bottom}" stroke="#9ca3af" stroke-dasharray="4 3"/>`,
      `<text transform="translate(${xx - 3} ${height - m.bottom + 28}) rotate(60)" fill="#4b5563" font-size="10">${escapeXml(`${date} ${id}`.slice(0, 30))}</text>`,
    );
  });
  const labels: { country: string; color: string; y: number }[] = [];
  frontiers.forEach((f, i) => {
    const color = COLORS[i % COLORS.length]!;
    let path = "";
    for (const s of f.steps) {
      const v = y(s.bestNoLicenseTpp ?? 0);
      path += `${path ? "L" : "M"}${x(s.from).toFixed(1)},${v.toFixed(1)}L${xEnd(s.to).toFixed(1)},${v.toFixed(1)}`;
    }
    const dash = DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : "";
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2.5"${dash}/>`);
    const last = f.steps.at(-1);
    labels.push({ country: f.country, color, y: last ? y(last.bestNoLicenseTpp ?? 0) : m.top });
  });
  // Spread end labels that would overlap.
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) labels[i]!.y = Math.max(labels[i]!.y, labels[i - 1]!.y + 15);
  for (const l of labels) {
    parts.push(
      `<text x="${width - m.right + 8}" y="${l.y + 4}" fill="${l.color}" font-weight="bold">${escapeXml(l.country)}</text>`,
    );
  }
  parts.push(
    `<text x="${m.left}" y="${height - 8}" fill="#6b7280" font-size="10">ChipGate — decision support, not legal advice. Chips: bundled catalog; assumptions in --json output.</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}
