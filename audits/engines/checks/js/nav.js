// Navigation landmarks and their links, in order. arg: {maxNavs, maxLinks}.
const navs = [];
for (const nav of document.querySelectorAll('nav, [role=navigation]')) {
  if (navs.length >= arg.maxNavs) break;
  if (nav.parentElement && nav.parentElement.closest('nav, [role=navigation]')) continue;  // nested: part of the outer one
  let label = nav.getAttribute('aria-label') || '';
  const labelledby = nav.getAttribute('aria-labelledby');
  if (!label && labelledby) {
    label = labelledby.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
      .map((el) => el.textContent).join(' ');
  }
  const links = [];
  for (const a of nav.querySelectorAll('a[href]')) {
    if (links.length >= arg.maxLinks) break;
    if (!A11Y.visible(a) && !A11Y.visible(nav)) continue;
    links.push([a.href, A11Y.name(a).slice(0, 60)]);
  }
  navs.push({ ...A11Y.describe(nav), label: label.replace(/\s+/g, ' ').trim().slice(0, 80), visible: A11Y.visible(nav), links });
}
return navs;
