// Clipped text: boxes that hide overflow (overflow hidden/clip) with text laid out beyond
// their edges. arg.op: 'spacing' (before/after the WCAG text-spacing stylesheet, in one go),
// 'mark' (remember what is clipped now) and 'compare' (what is clipped now and was not at
// 'mark'; forgets the mark). Returns the newly clipped boxes, arg.max at most.
const KEY = '__a11yAuditClipped';
const STYLE_ID = 'a11y-audit-text-spacing';
const SPACING = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; ' +
  'word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
const range = document.createRange();

function clipped() {
  const found = new Map();
  for (const el of A11Y.elements()) {
    const s = getComputedStyle(el);
    const clipX = s.overflowX === 'hidden' || s.overflowX === 'clip';
    const clipY = s.overflowY === 'hidden' || s.overflowY === 'clip';
    if (!clipX && !clipY) continue;
    const w = el.clientWidth, h = el.clientHeight;
    if (w === 0 || h === 0) continue;
    const tol = Math.max(4, parseFloat(s.fontSize) * 0.3);
    if (!((clipY && el.scrollHeight - h > tol) || (clipX && el.scrollWidth - w > tol))) continue;
    if (!A11Y.visible(el)) continue;
    const box = el.getBoundingClientRect();
    const left = box.left + el.clientLeft, top = box.top + el.clientTop, right = left + w, bottom = top + h;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let cut = null;
    for (let n = walker.nextNode(), seen = 0; n && seen < 300 && !cut; n = walker.nextNode(), seen++) {
      if (!n.data.trim() || !A11Y.visible(n.parentElement)) continue;
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width === 0 || r.height === 0) continue;
        const dy = Math.max(r.bottom - bottom, top - r.top), dx = Math.max(r.right - right, left - r.left);
        if ((clipY && dy > tol) || (clipX && dx > tol)) { cut = { text: n.data.replace(/\s+/g, ' ').trim().slice(0, 60), dx: Math.round(dx), dy: Math.round(dy) }; break; }
      }
    }
    if (cut) found.set(el, { ...cut, width: w, height: h, scrollWidth: el.scrollWidth, scrollHeight: el.scrollHeight });
  }
  return found;
}

function report(before, after) {
  const out = [];
  for (const [el, info] of after) {
    if (before.has(el)) continue;
    // Only the innermost newly clipping box: an outer one clipping the same text says nothing more.
    let inner = false;
    for (const other of after.keys()) { if (other !== el && el.contains(other) && !before.has(other)) { inner = true; break; } }
    if (inner) continue;
    out.push({ ...A11Y.describe(el), ...info });
    if (out.length >= arg.max) break;
  }
  return out;
}

if (arg.op === 'spacing') {
  const before = clipped();
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = SPACING;
  try {
    (document.head || document.documentElement).appendChild(style);
    return report(before, clipped());
  } finally {
    style.remove();
  }
}
if (arg.op === 'mark') {
  window[KEY] = new Set(clipped().keys());
  return window[KEY].size;
}
if (arg.op === 'compare') {
  const marked = window[KEY] || new Set();
  delete window[KEY];
  return report(new Map([...marked].map((el) => [el, null])), clipped());
}
if (arg.op === 'forget') { delete window[KEY]; return true; }
throw new Error('unknown op ' + arg.op);
