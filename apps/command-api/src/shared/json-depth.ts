/** Deeper than any body this API takes (the deepest DTO nests three levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * The depth of a parsed body, measured with an explicit stack: JSON.parse reads 45,000
 * nested arrays without trouble, but class-transformer then recurses once per level
 * and overflows the call stack. So the depth is checked here, before any of that.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
