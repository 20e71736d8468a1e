// Helpers shared by every check, pasted in front of each check's body (see checks/js.py).
// Everything a check reports about an element goes through describe(): a CSS selector for
// people, a tag path for fingerprints (audits/fingerprint.py) and a short HTML snippet.
const A11Y = (() => {
  const esc = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/[^\w-]/g, (c) => '\\' + c));
  const parentOf = (node) => node.parentElement || (node.parentNode && node.parentNode.host) || null;
  const rootOf = (node) => node.getRootNode ? node.getRootNode() : document;

  function selectorIn(el) {
    // Path within el's own tree (document or shadow root), anchored at a unique id when there is one.
    const root = rootOf(el);
    const parts = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (node.id && !/\d{3,}|[0-9a-f]{8,}/i.test(node.id)) {
        let unique = false;
        try { unique = root.querySelectorAll('#' + esc(node.id)).length === 1; } catch (e) { unique = false; }
        if (unique) { parts.unshift('#' + esc(node.id)); return parts.join(' > '); }
      }
      let part = node.localName;
      const parent = node.parentElement;
      if (parent) {
        const same = Array.prototype.filter.call(parent.children, (c) => c.localName === node.localName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      }
      parts.unshift(part);
    }
    return parts.join(' > ');
  }

  function selector(el) {
    const chain = [selectorIn(el)];
    for (let root = rootOf(el); root && root.host; root = rootOf(root.host)) chain.unshift(selectorIn(root.host));
    return chain.join(' >>> ');
  }

  function ancestry(el) {
    const tags = [];
    for (let node = el; node && node.nodeType === 1; node = parentOf(node)) tags.unshift(node.localName);
    return tags.join('>');
  }

  function snippet(el) {
    const html = el.outerHTML || '';
    if (html.length <= 250) return html;
    const end = html.indexOf('>') + 1;
    const open = end > 0 ? html.slice(0, end) : html;
    return open.length > 250 ? open.slice(0, 247) + '...' : open + '…';
  }

  function describe(el) {
    return { selector: selector(el), ancestry: ancestry(el), html: snippet(el) };
  }

  function visible(el) {
    if (!el || !el.getClientRects || el.getClientRects().length === 0) return false;
    if (el.checkVisibility) return el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.opacity !== '0';
  }

  function text(el, max) {
    return (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, max || 80);
  }

  function name(el) {
    return (el.getAttribute('aria-label') || text(el, 80) || el.getAttribute('title') || '').trim();
  }

  const FOCUSABLE = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, ' +
    'audio[controls], video[controls], [tabindex], [contenteditable]:not([contenteditable=false])';

  function tabbables() {
    return Array.prototype.filter.call(document.querySelectorAll(FOCUSABLE), (el) =>
      el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && visible(el));
  }

  function elements(limit) {
    const root = document.body || document.documentElement;
    const all = root.getElementsByTagName('*');
    return Array.prototype.slice.call(all, 0, limit || 20000);
  }

  function frame() {
    return new Promise((resolve) => {
      const done = () => resolve(true);
      setTimeout(done, 150);
      requestAnimationFrame(() => requestAnimationFrame(done));
    });
  }

  function finishTransitions() {
    if (!document.getAnimations) return;
    for (const animation of document.getAnimations()) {
      if (window.CSSTransition && animation instanceof CSSTransition) {
        try { animation.finish(); } catch (e) { /* already finished */ }
      }
    }
  }

  return { describe, selector, ancestry, snippet, visible, text, name, tabbables, elements, frame,
           finishTransitions, FOCUSABLE, parentOf };
})();
