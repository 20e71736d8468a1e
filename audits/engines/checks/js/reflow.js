// Reflow at the current (narrow) viewport: does the page scroll sideways, and which
// elements make it? arg: {max}. Content that may scroll in two dimensions is excluded.
const EXCLUDED = 'table:not([role=presentation]):not([role=none]), pre, code, samp, kbd, img, picture, video, ' +
  'canvas, svg, iframe, object, embed, map, math, [role=img], [role=application], [role=grid], [role=treegrid], ' +
  '[role=math], [role=figure] img, .leaflet-container, .gm-style, .ol-viewport, .mapboxgl-map, .maplibregl-map';
await A11Y.frame();
const root = document.documentElement;
const scroller = document.scrollingElement || root;
const vw = root.clientWidth;
const scrollWidth = scroller.scrollWidth;
const rtl = getComputedStyle(root).direction === 'rtl' || (document.body && getComputedStyle(document.body).direction === 'rtl');
const htmlStyle = getComputedStyle(root);
const bodyStyle = document.body ? getComputedStyle(document.body) : htmlStyle;
// overflow-x of the viewport: the root's, or the body's when the root's is visible (CSS propagation).
const viewportOverflow = htmlStyle.overflowX !== 'visible' ? htmlStyle.overflowX : bodyStyle.overflowX;
const result = { vw, scrollWidth, viewportOverflow, culprits: [] };
if (scrollWidth <= vw + 1 || viewportOverflow === 'hidden' || viewportOverflow === 'clip') return result;

const beyond = (r) => (rtl ? r.left < -1 : r.right > vw + 1);
const range = document.createRange();
const escapes = new Map();  // element → does it sit in a fixed or clipping/scrolling ancestor?
function contained(el) {
  const parent = el.parentElement;
  if (!parent || parent === document.body || parent === root) return false;
  if (escapes.has(parent)) return escapes.get(parent);
  const s = getComputedStyle(parent);
  const value = s.position === 'fixed' || s.overflowX !== 'visible' || contained(parent);
  escapes.set(parent, value);
  return value;
}
for (const el of [document.body, ...A11Y.elements()]) {
  if (!el) continue;
  if (result.culprits.length >= arg.max) break;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  let reason = null;
  if (beyond(r)) {
    const parent = el.parentElement;
    const pr = parent && parent !== root ? parent.getBoundingClientRect() : null;
    if (pr && beyond(pr)) continue;  // the parent overflows too: it is the one named
    reason = 'box';
  } else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible') {
    // Text that does not wrap (a long word, white-space: nowrap) sticks out of a box that fits.
    for (const node of el.childNodes) {
      if (node.nodeType !== 3 || !node.data.trim()) continue;
      range.selectNodeContents(node);
      if (Array.prototype.some.call(range.getClientRects(), (t) => t.width > 0 && beyond(t))) { reason = 'text'; break; }
    }
    if (!reason) continue;
  } else {
    continue;
  }
  if (el.closest(EXCLUDED)) continue;
  const style = getComputedStyle(el);
  if (style.position === 'fixed' || contained(el) || !A11Y.visible(el)) continue;
  // A box that would fit without a wide table, code block or image inside it is that content's doing.
  if (reason === 'box' && Array.prototype.some.call(el.querySelectorAll(EXCLUDED), (x) => {
    const w = x.getBoundingClientRect().width;
    return w > 0 && (rtl ? r.left + w >= -1 : r.right - w <= vw + 1);
  })) continue;
  const right = reason === 'box' ? r.right : Math.max(...Array.prototype.map.call(range.getClientRects(), (t) => t.right));
  result.culprits.push({ ...A11Y.describe(el), reason, right: Math.round(rtl ? -r.left : right), width: Math.round(r.width) });
}
return result;
