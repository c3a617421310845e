// Colour mode (Bootstrap 5.3): follow the system's light or dark setting. Loaded in <head> so the first paint already
// has the right colours; an external file because the Content-Security-Policy runs no inline script.
(function () {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = function () { document.documentElement.setAttribute('data-bs-theme', dark.matches ? 'dark' : 'light'); };
  apply();
  dark.addEventListener('change', apply);
})();
