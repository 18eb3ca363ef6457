/** One run of a word-level difference: text both sides share, or text only the old or the new side has. */
export type DiffPart = { kind: 'same' | 'removed' | 'added'; text: string };

/** Most cells of the comparison table before the middle of two texts is shown as replaced whole. */
const MAX_CELLS = 2_000_000;

/** Words and the whitespace between them, so that joining the tokens gives the text back. */
function tokens(text: string): string[] {
  return text.split(/(\s+)/).filter((token) => token.length > 0);
}

/** Appends a token to the parts, merging it into the last run of the same kind. */
function push(parts: DiffPart[], kind: DiffPart['kind'], text: string) {
  const last = parts[parts.length - 1];
  if (last && last.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/**
 * The word-level difference from `before` to `after` (longest common subsequence of words and
 * whitespace), as runs in reading order: removed text before the added text that replaces it. The shared
 * start and end are matched first; a middle too long to compare word by word is shown removed, then
 * added, whole.
 */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const parts: DiffPart[] = [];
  for (const token of a.slice(0, start)) push(parts, 'same', token);
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const rows = midA.length;
  const cols = midB.length;
  if (rows * cols > MAX_CELLS) {
    for (const token of midA) push(parts, 'removed', token);
    for (const token of midB) push(parts, 'added', token);
  } else {
    // lengths[i * (cols + 1) + j]: the longest common subsequence of midA[i..] and midB[j..].
    const width = cols + 1;
    const lengths = new Uint32Array((rows + 1) * width);
    for (let i = rows - 1; i >= 0; i -= 1) {
      for (let j = cols - 1; j >= 0; j -= 1) {
        lengths[i * width + j] =
          midA[i] === midB[j]
            ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < rows || j < cols) {
      const tokenA = midA[i];
      const tokenB = midB[j];
      if (tokenA !== undefined && tokenA === tokenB) {
        push(parts, 'same', tokenA);
        i += 1;
        j += 1;
      } else if (
        tokenA !== undefined &&
        (tokenB === undefined || (lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0))
      ) {
        push(parts, 'removed', tokenA);
        i += 1;
      } else if (tokenB !== undefined) {
        push(parts, 'added', tokenB);
        j += 1;
      }
    }
  }
  for (const token of a.slice(endA)) push(parts, 'same', token);
  return parts;
}
