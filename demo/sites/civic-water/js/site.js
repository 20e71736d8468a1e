// Civic Water Board site script.
// Adds the "Latest news" link to the footer after the page has loaded.
window.addEventListener('load', function () {
  var list = document.getElementById('footer-links');
  if (!list) return;
  var li = document.createElement('li');
  li.innerHTML = '<a href="/news.html">Latest news</a>';
  list.appendChild(li);
});
