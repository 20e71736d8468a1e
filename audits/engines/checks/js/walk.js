// The Tab walk's in-page half: which element has focus, how it looks focused and
// unfocused, and cleaning up. State (the elements met, in order) lives on window[KEY]
// from 'start' to 'end'. arg.op: start | step | blur | refocus | cycle | end.
const KEY = '__a11yAuditWalk';
const TEXT_INPUTS = /^(text|search|email|url|tel|password|number|date|datetime-local|month|week|time)$/;
// What can be seen of an element's own box. Values that cannot show are dropped (an outline
// offset without an outline style, a border colour of a border that is 'none' …).
const PLAIN = ['box-shadow', 'background-color', 'background-image', 'color', 'text-shadow', 'opacity',
  'transform', 'filter', 'font-weight', 'font-style', 'visibility', 'fill', 'stroke'];
const NEAR_PLAIN = ['box-shadow', 'background-color', 'background-image', 'color', 'opacity', 'transform',
  'visibility', 'display'];
const PSEUDO_EXTRA = ['content', 'display', 'width', 'height', 'top', 'left', 'right', 'bottom'];
const SIDES = ['top', 'right', 'bottom', 'left'];

function look(s, plain) {
  const v = (p) => s.getPropertyValue(p);
  const out = plain.map(v);
  const outline = v('outline-style');
  out.push(outline === 'none' || v('outline-width') === '0px' ? 'none' : [outline, v('outline-width'), v('outline-color'), v('outline-offset')].join(' '));
  for (const side of SIDES) {
    const style = v('border-' + side + '-style');
    out.push(style === 'none' || style === 'hidden' ? 'none' : [style, v('border-' + side + '-width'), v('border-' + side + '-color')].join(' '));
  }
  const line = v('text-decoration-line');
  out.push(line === 'none' ? 'none' : [line, v('text-decoration-style'), v('text-decoration-color'), v('text-decoration-thickness'), v('text-underline-offset')].join(' '));
  return out.join('|');
}

function styleOf(el, pseudo, plain) {
  const s = el.ownerDocument.defaultView.getComputedStyle(el, pseudo);
  if (pseudo && (s.getPropertyValue('content') === 'none' || s.getPropertyValue('display') === 'none')) return 'none';
  return look(s, pseudo ? plain.concat(PSEUDO_EXTRA) : plain);
}

function deepActive() {
  let el = document.activeElement;
  while (el) {
    if (el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; continue; }
    if (el.localName === 'iframe' || el.localName === 'frame') {
      let doc = null;
      try { doc = el.contentDocument; } catch (e) { doc = null; }
      const inner = doc && doc.activeElement;
      if (inner && inner !== doc.body && inner !== doc.documentElement) { el = inner; continue; }
      return { el, frame: true };
    }
    break;
  }
  return { el, frame: false };
}

function isDocument(el) {
  return !el || el === document.body || el === document.documentElement;
}

function isTextEntry(el) {
  if (el.isContentEditable || el.localName === 'textarea') return true;
  if (el.localName === 'input') return TEXT_INPUTS.test((el.getAttribute('type') || 'text').toLowerCase());
  return ['textbox', 'searchbox'].includes(el.getAttribute('role'));
}

function signature(el) {
  const r = el.getBoundingClientRect();
  const parts = [[r.x, r.y, r.width, r.height].map(Math.round).join(','),
    styleOf(el, null, PLAIN), styleOf(el, '::before', PLAIN), styleOf(el, '::after', PLAIN),
    el.getAttribute('class') || '', el.getAttribute('style') || ''];
  for (let a = A11Y.parentOf(el); a && a !== document.documentElement; a = A11Y.parentOf(a)) {
    parts.push(styleOf(a, null, NEAR_PLAIN), a.getAttribute('class') || '', a.getAttribute('style') || '');
  }
  for (const near of [el.previousElementSibling, el.nextElementSibling, ...Array.prototype.slice.call(el.querySelectorAll('*'), 0, 20)]) {
    if (near) parts.push(styleOf(near, null, NEAR_PLAIN), styleOf(near, '::before', NEAR_PLAIN), styleOf(near, '::after', NEAR_PLAIN), near.getAttribute('class') || '');
  }
  return parts.join('\n');
}

function settled(el) {
  el.ownerDocument.defaultView.getComputedStyle(el).getPropertyValue('outline-style');  // starts pending transitions
  A11Y.finishTransitions();
}

const state = window[KEY];

if (arg.op === 'start') {
  const active = deepActive().el;
  if (!isDocument(active) && active.blur) active.blur();
  window[KEY] = { els: [], scroll: [window.scrollX, window.scrollY] };
  return { tabbable: A11Y.tabbables().length };
}
if (!state) throw new Error('the Tab walk was not started');

if (arg.op === 'step') {
  const { el, frame } = deepActive();
  if (isDocument(el)) return { kind: 'document' };
  let id = state.els.indexOf(el);
  if (id < 0) id = state.els.push(el) - 1;
  const info = { kind: frame ? 'frame' : 'element', id, ...A11Y.describe(el), textEntry: isTextEntry(el),
    dialog: !!el.closest('dialog[open], [aria-modal=true], [role=dialog], [role=alertdialog]') };
  if (frame || !arg.compare || el.ownerDocument !== document) return info;
  const r = el.getBoundingClientRect();
  info.rect = { x: r.x, y: r.y, width: r.width, height: r.height };
  info.viewport = [document.documentElement.clientWidth, window.innerHeight];
  if (info.textEntry) return info;
  settled(el);
  const focused = signature(el);
  el.blur();
  if (deepActive().el === el) { info.styleChanged = null; return info; }  // a script keeps focus on it
  settled(el);
  const blurred = signature(el);
  el.focus({ preventScroll: true });
  settled(el);
  info.styleChanged = focused !== blurred;
  info.refocused = deepActive().el === el;
  return info;
}
if (arg.op === 'blur' || arg.op === 'refocus') {
  const el = state.els[arg.id];
  if (!el || !el.isConnected) return false;
  if (arg.op === 'blur') el.blur(); else el.focus({ preventScroll: true });
  settled(el);
  return (deepActive().el === el) === (arg.op === 'refocus');
}
if (arg.op === 'cycle') {
  // The elements a Tab cycle keeps to: what else could be reached, and do they share a dialog?
  const cycle = arg.ids.map((i) => state.els[i]).filter(Boolean);
  const others = A11Y.tabbables().filter((t) => !cycle.some((c) => c === t || c.contains(t) || t.contains(c)));
  let common = cycle[0] || document.body;
  while (common && !cycle.every((c) => common.contains(c))) common = common.parentElement;
  common = common || document.body;
  const dialogs = cycle.map((c) => c.closest('dialog[open], [aria-modal=true], [role=dialog], [role=alertdialog]'));
  return { others: others.length, dialog: !!dialogs[0] && dialogs.every((d) => d === dialogs[0]),
    container: A11Y.describe(common), names: cycle.slice(0, 6).map((c) => A11Y.selector(c)) };
}
if (arg.op === 'end') {
  const active = deepActive().el;
  if (!isDocument(active) && active.blur) active.blur();
  const unreached = [];
  if (arg.reach) {
    const ROLES = ['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio'];
    const candidates = document.querySelectorAll('[onclick],' + ROLES.map((r) => '[role="' + r + '"]').join(','));
    for (const el of candidates) {
      if (unreached.length >= arg.max) break;
      if (isDocument(el) || el.matches(A11Y.FOCUSABLE) || el.tabIndex >= 0 || el.isContentEditable) continue;
      if (el.getAttribute('aria-disabled') === 'true') continue;
      if (el.closest('[inert], [aria-hidden=true], label, [aria-activedescendant], svg a')) continue;
      if ((el.parentElement && el.parentElement.closest(A11Y.FOCUSABLE)) || el.querySelector(A11Y.FOCUSABLE)) continue;
      if (!A11Y.visible(el) || (!A11Y.name(el) && !el.querySelector('img, svg'))) continue;
      if (state.els.some((v) => v === el || el.contains(v))) continue;
      unreached.push({ ...A11Y.describe(el), name: A11Y.name(el).slice(0, 60),
        why: el.hasAttribute('onclick') ? 'an onclick attribute' : 'role="' + el.getAttribute('role') + '"' });
    }
  }
  window.scrollTo(state.scroll[0], state.scroll[1]);
  delete window[KEY];
  return { unreached };
}
throw new Error('unknown op ' + arg.op);
