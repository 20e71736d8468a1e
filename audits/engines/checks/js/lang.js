// Visible text grouped by the language that applies to it (the nearest lang attribute)
// and by block (the nearest ancestor that is not displayed inline). arg: {partMin, pageMax, maxParts}.
const root = document.documentElement;
const declared = (root.getAttribute('lang') || root.getAttribute('xml:lang') || '').trim();
const SKIP = 'script, style, noscript, template, code, pre, kbd, samp, var, svg, math, textarea, select, ' +
  '[aria-hidden=true], [translate=no], [hidden]';
const body = document.body;
if (!body) return { declared, page: '', parts: [] };
const visibleCache = new Map(), blockCache = new Map();
const isVisible = (el) => {
  if (!visibleCache.has(el)) visibleCache.set(el, A11Y.visible(el) && !el.closest(SKIP));
  return visibleCache.get(el);
};
const blockOf = (el) => {
  if (blockCache.has(el)) return blockCache.get(el);
  let block = el;
  while (block !== body && block.parentElement && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
  if (getComputedStyle(block).display === 'contents' && block.parentElement) block = block.parentElement;
  blockCache.set(el, block);
  return block;
};
const groups = new Map();
const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
let total = 0;
for (let n = walker.nextNode(); n && total < 200000; n = walker.nextNode()) {
  const text = n.data.replace(/\s+/g, ' ').trim();
  const parent = n.parentElement;
  if (!text || !parent || !isVisible(parent)) continue;
  total += text.length;
  const langEl = parent.closest('[lang]');
  const lang = langEl ? (langEl.getAttribute('lang') || '').trim() : declared;
  const block = blockOf(parent);
  // A lang attribute inside the block makes a part of its own, named by that element.
  const holder = langEl && langEl !== root && block.contains(langEl) && langEl !== block ? langEl : block;
  const key = holder;
  if (!groups.has(key)) groups.set(key, { holder, lang, fromRoot: !langEl || langEl === root, texts: [] });
  groups.get(key).texts.push(text);
}
let page = '';
const parts = [];
for (const group of groups.values()) {
  const text = group.texts.join(' ');
  if (group.fromRoot && page.length < arg.pageMax) page += text + '\n';
  const letters = (text.match(/\p{L}/gu) || []).length;
  if (letters >= arg.partMin && parts.length < arg.maxParts) {
    parts.push({ ...A11Y.describe(group.holder), lang: group.lang, fromRoot: group.fromRoot, text: text.slice(0, 3000) });
  }
}
return { declared, page: page.slice(0, arg.pageMax), parts };
