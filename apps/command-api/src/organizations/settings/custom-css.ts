import { generate, parse, walk, type CssNode } from 'css-tree';

export interface CssProblem {
  line: number;
  message: string;
}

/** Properties that run code or load components in some browser (old IE's `behavior`, old Firefox's `-moz-binding`). */
const BANNED_PROPERTIES = new Set(['behavior', '-moz-binding']);

/** A url() that leaves this service: a scheme (https:, data:, javascript:) or a protocol-relative `//`. */
const OTHER_ORIGIN = /^\s*(?:[a-z][a-z0-9+.-]*:|\/\/|\\\\)/i;

/**
 * An organization's custom CSS, read by a real CSS parser (css-tree) rather than
 * patterns: refused with each problem's line when it imports other sheets, points
 * url() at another origin, uses IE's expression() or a binding property, or could close
 * the <style> element it is served in. Accepted CSS is stored as the parser writes it
 * back, so what is served is exactly what was checked.
 */
export function sanitizeCustomCss(source: string): { css: string } | { problems: CssProblem[] } {
  const problems: CssProblem[] = [];
  const ast = parse(source, {
    positions: true,
    onParseError: (error) => problems.push({ line: (error as { line?: number }).line ?? 1, message: `the CSS does not parse: ${error.message}` }),
  });
  const lineOf = (node: CssNode) => node.loc?.start.line ?? 1;
  walk(ast, (node) => {
    if (node.type === 'Atrule' && node.name.toLowerCase() === 'import') problems.push({ line: lineOf(node), message: '@import is not allowed: the CSS cannot load other style sheets' });
    else if (node.type === 'Url' && OTHER_ORIGIN.test(node.value)) problems.push({ line: lineOf(node), message: `url(${node.value}) points to another origin; only paths on this service are allowed` });
    else if (node.type === 'Function' && node.name.toLowerCase() === 'expression') problems.push({ line: lineOf(node), message: 'expression() is not allowed: it runs script in old browsers' });
    else if (node.type === 'Declaration' && BANNED_PROPERTIES.has(node.property.toLowerCase())) problems.push({ line: lineOf(node), message: `${node.property} is not allowed: it loads code in some browsers` });
  });
  const css = generate(ast);
  if (/<\/?\s*style/i.test(css) || /<!--|-->/.test(css)) problems.push({ line: 1, message: 'the CSS may not contain <style>, </style> or HTML comments' });
  return problems.length > 0 ? { problems } : { css };
}
