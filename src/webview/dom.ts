/**
 * Tiny element builders. Text always goes in through textContent and attributes through
 * setAttribute, so nothing the page shows is ever parsed as HTML.
 */
type Attributes = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<E extends Element>(element: E, attributes: Attributes, children: readonly Child[]): E {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** Rounds a coordinate for SVG output (keeps the DOM small and diffs readable). */
export function px(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/**
 * A closed <details> whose content is built the first time it opens: the tables behind the
 * charts can hold hundreds of rows, and most renders never show them.
 */
export function lazyDetails(summary: string, build: () => Child[]): HTMLDetailsElement {
  const details = h('details', { class: 'data' }, h('summary', {}, summary));
  details.addEventListener('toggle', () => {
    if (details.open && details.childElementCount === 1) details.append(...build().filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  });
  return details;
}
