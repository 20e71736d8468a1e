// Links that look like they lead to an accessibility statement, and whether this page
// looks like one. arg: {text: [words], url: [words]} (lower case, no accents).
const plain = (s) => (s || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const textWords = arg.text.map(plain), urlWords = arg.url.map(plain);
const inText = (s) => { const t = plain(s); return textWords.some((w) => t.includes(w)); };
const inUrl = (href) => {
  let path = '';
  try { const u = new URL(href, location.href); path = decodeURIComponent(u.pathname + u.search); } catch (e) { return false; }
  path = plain(path);
  return urlWords.some((w) => path.includes(w));
};
const links = [];
const seen = new Set();
for (const a of document.querySelectorAll('a[href]')) {
  const href = a.href;
  if (!/^https?:/i.test(href)) continue;
  const target = href.split('#')[0];
  if (target === location.href.split('#')[0] && a.getAttribute('href').startsWith('#')) continue;
  const text = A11Y.name(a);
  const byText = inText(text), byUrl = inUrl(href);
  if (!byText && !byUrl) continue;
  if (seen.has(target)) continue;
  seen.add(target);
  links.push({ url: target, text: text.slice(0, 80), match: byText && byUrl ? 'text+url' : byText ? 'text' : 'url' });
  if (links.length >= 10) break;
}
const h1 = document.querySelector('h1');
const isStatement = inUrl(location.href) || inText(document.title) || (h1 ? inText(h1.textContent) : false);
return { links, isStatement };
