/* Harbour Bank site script. */
(function () {
  // Copy-to-clipboard buttons on the contact page.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.addEventListener('click', function () {
      if (navigator.clipboard) { navigator.clipboard.writeText(button.getAttribute('data-copy')); }
    });
  });

  // Add the "Latest news" link once the page has loaded (not in the served HTML).
  window.addEventListener('load', function () {
    var list = document.getElementById('footer-links');
    if (!list) { return; }
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.setAttribute('href', '/news.html');
    link.textContent = 'Latest news';
    item.appendChild(link);
    list.appendChild(item);
  });
})();
