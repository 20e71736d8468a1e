/* Lumen Telecom: small progressive enhancements. */
(function () {
  var toggle = document.querySelector('.menu-toggle');
  var nav = document.getElementById('main-nav');
  if (toggle && nav) {
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      nav.hidden = open;
    });
  }

  // The "Latest news" link is added by script once the page has loaded:
  // it is not present in the HTML the server sends.
  window.addEventListener('load', function () {
    var list = document.getElementById('footer-links');
    if (!list) { return; }
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.href = '/news.html';
    link.textContent = 'Latest news';
    item.appendChild(link);
    list.appendChild(item);
  });
})();
