// Runs before the stylesheet paints so a stored dark/light choice never flashes the other theme.
// Kept in sync with src/lib/theme.ts (same storage key and attribute).
(function () {
  var choice = 'system';
  try {
    choice = localStorage.getItem('wp-theme') || 'system';
  } catch {
    // Storage can be blocked (privacy modes); following the system is the right fallback.
  }
  var dark = choice === 'dark' || (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
