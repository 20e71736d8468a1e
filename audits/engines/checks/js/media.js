// Video and audio players and what goes with them: caption, subtitle and description
// tracks, and a transcript link or heading near the player. arg: {max}.
const TRANSCRIPT = /transcri|transkri|trascri|uitgeschreven tekst/i;
function transcriptNear(el) {
  let node = el;
  for (let up = 0; up < 3 && node.parentElement && node.parentElement !== document.body; up++) {
    node = node.parentElement;
    for (const c of node.querySelectorAll('a[href], button, summary, [role=button], [role=link], h1, h2, h3, h4, h5, h6, [aria-describedby]')) {
      const words = [c.textContent, c.getAttribute('aria-label'), c.getAttribute('title'), c.getAttribute('href')].join(' ');
      if (TRANSCRIPT.test(words)) return A11Y.name(c) || c.getAttribute('href') || 'yes';
    }
  }
  for (const id of (el.getAttribute('aria-describedby') || '').split(/\s+/)) {
    const target = id && document.getElementById(id);
    if (target && TRANSCRIPT.test(target.textContent || '')) return A11Y.text(target, 40);
  }
  return null;
}
const tracks = (el, kinds) => Array.prototype.filter.call(el.querySelectorAll('track[src]'), (t) =>
  kinds.includes((t.getAttribute('kind') || 'subtitles').toLowerCase()) && t.getAttribute('src').trim());
const out = { videos: [], audios: [] };
for (const v of document.querySelectorAll('video')) {
  if (out.videos.length >= arg.max) break;
  if (v.closest('[aria-hidden=true], [hidden]')) continue;
  const controls = v.hasAttribute('controls');
  // Background video: muted, without controls. It has no sound to caption.
  if (!controls && (v.muted || v.hasAttribute('muted'))) continue;
  if (!controls && !A11Y.visible(v)) continue;
  out.videos.push({ ...A11Y.describe(v), captions: tracks(v, ['captions', 'subtitles']).length,
    descriptions: tracks(v, ['descriptions']).length, transcript: transcriptNear(v) });
}
for (const a of document.querySelectorAll('audio')) {
  if (out.audios.length >= arg.max) break;
  if (!a.hasAttribute('controls') || a.closest('[aria-hidden=true], [hidden]') || !A11Y.visible(a)) continue;
  out.audios.push({ ...A11Y.describe(a), transcript: transcriptNear(a) });
}
return out;
