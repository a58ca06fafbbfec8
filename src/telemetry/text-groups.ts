/**
 * Texts in order, cut into groups of at most `maxCount` texts and about `maxChars` characters (a
 * text longer than that alone makes a group), so no single command or statement grows without bound.
 */
export function textGroups(texts: string[], maxChars: number, maxCount = Number.POSITIVE_INFINITY): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let chars = 0;
  for (const text of texts) {
    if (group.length > 0 && (group.length >= maxCount || chars + text.length > maxChars)) {
      groups.push(group);
      [group, chars] = [[], 0];
    }
    group.push(text);
    chars += text.length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
