// Making text fit a terminal line: live lines drop their least useful parts first and are cut
// with an ellipsis as a last resort; permanent lines (logs, summaries) are wrapped at spaces.
// Widths count code points; our text is ASCII plus a few one-column symbols (… ✓ ≤ ×).

/** One piece of a live line. Parts with a higher `drop` go first when the line is too wide; 0 never goes. */
export interface Part {
  text: string;
  drop: number;
}

export function width(text: string): number {
  return [...text].length;
}

/** `text` cut to `max` columns, ending in `ellipsis` when cut. */
export function truncate(text: string, max: number, ellipsis = "…"): string {
  if (max <= 0) return "";
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = Math.max(0, max - width(ellipsis));
  return chars.slice(0, keep).join("").trimEnd() + ellipsis.slice(0, max);
}

/** `head` then as many `parts` as fit in `max` columns (dropping by `drop`, highest first), joined by `sep`. */
export function fitParts(head: string, parts: readonly Part[], max: number, sep = "  ", ellipsis = "…"): string {
  let kept = parts.filter((p) => p.text !== "");
  const render = (ps: readonly Part[]) => [head, ...ps.map((p) => p.text)].filter((t) => t !== "").join(sep);
  while (width(render(kept)) > max) {
    const worst = Math.max(...kept.map((p) => p.drop));
    if (kept.length === 0 || worst <= 0) break;
    const i = kept.findLastIndex((p) => p.drop === worst);
    kept = kept.filter((_, j) => j !== i);
  }
  return truncate(render(kept), max, ellipsis);
}

/** The words of `text`, a number kept with its unit ("3.7 s", "12 s;") so a wrap never parts them. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const w of text.split(" ")) {
    if (/^s\b/.test(w) && out.length && /\d$/.test(out[out.length - 1]!)) out[out.length - 1] += ` ${w}`;
    else out.push(w);
  }
  return out;
}

/**
 * `text` wrapped at spaces into lines of at most `max` columns; continuation lines start with
 * `indent`. A word longer than a line is cut into pieces.
 */
export function wrap(text: string, max: number, indent = "  "): string[] {
  if (max < 8 || width(text) <= max) return [text];
  const lines: string[] = [];
  let line = "";
  const room = () => max - (lines.length ? width(indent) : 0);
  const push = () => {
    lines.push((lines.length ? indent : "") + line);
    line = "";
  };
  for (const word of words(text)) {
    let w = word;
    while (w !== "") {
      const candidate = line === "" ? w : `${line} ${w}`;
      if (width(candidate) <= room()) {
        line = candidate;
        w = "";
      } else if (line !== "") {
        push();
      } else {
        // One word wider than the line: cut it.
        const chars = [...w];
        line = chars.slice(0, room()).join("");
        w = chars.slice(room()).join("");
        push();
      }
    }
  }
  if (line !== "" || lines.length === 0) push();
  return lines;
}
