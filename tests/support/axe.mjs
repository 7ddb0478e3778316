// axe-core over a page the browser tests already drive: the WCAG 2.x A and AA rule sets (2.2
// included), failing the test with one readable line per violation. @axe-core/playwright needs
// only a playwright-core Page (its peer dependency), so Debian's chromium is enough. Its default
// run opens a blank page in the page's context to merge frame results, which a page made by
// browser.newPage() refuses: such a page is checked in axe's legacy mode (one run in the page
// itself, same-origin frames only).
import { AxeBuilder } from '@axe-core/playwright';

export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// `label` names the page and state in the failure ("console: inbox, thread open").
// `include`/`exclude`: CSS selectors (one or a list) to narrow the scan.
export async function expectAccessible(page, label, { include, exclude } = {}) {
  const builder = () => {
    let axe = new AxeBuilder({ page }).withTags(WCAG_AA_TAGS);
    for (const selector of [include ?? []].flat()) axe = axe.include(selector);
    for (const selector of [exclude ?? []].flat()) axe = axe.exclude(selector);
    return axe;
  };
  let results;
  try {
    results = await builder().analyze();
  } catch (error) {
    if (!/browser\.newContext\(\)/.test(String(error?.message))) throw error;
    results = await builder().setLegacyMode(true).analyze();
  }
  const { violations } = results;
  if (violations.length === 0) return;
  throw new Error(`axe: ${label}: ${violations.length} rule(s) violated\n${describeViolations(violations)}`);
}

export function describeViolations(violations) {
  return violations.map((violation) => {
    const nodes = violation.nodes.map((node) => {
      const target = node.target.map((part) => [part].flat().join(' >> ')).join(' | ');
      const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
      return `    - ${target}\n      ${summary.slice(0, 300)}`;
    });
    return `  ${violation.id} [${violation.impact}] ${violation.help} (${violation.nodes.length} node(s))\n${nodes.join('\n')}`;
  }).join('\n');
}
