// The Inbox: j/k or the arrow keys move through the rows, Enter opens the chosen lead. The choice is kept by lead id, so a
// live refresh (the list re-fetched on "leads-changed") leaves the cursor on the same lead, or at the same place if it left.
(function () {
  let chosenId = null;
  let chosenIndex = 0;

  function rows() { return Array.from(document.querySelectorAll('#inbox-list .inbox-row')); }

  function choose(index) {
    const all = rows();
    if (all.length === 0) { chosenId = null; return; }
    chosenIndex = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) {
      const on = i === chosenIndex;
      row.classList.toggle('inbox-chosen', on);
      row.setAttribute('aria-selected', on ? 'true' : 'false');
    });
    const row = all[chosenIndex];
    chosenId = row.dataset.id;
    row.scrollIntoView({ block: 'nearest' });
  }

  function restore() {
    const all = rows();
    const again = all.findIndex(function (row) { return row.dataset.id === chosenId; });
    choose(again >= 0 ? again : chosenIndex);
  }

  document.addEventListener('keydown', function (e) {
    if (!document.getElementById('inbox')) return;
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select, [contenteditable]')) return;
    const all = rows();
    if (all.length === 0) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { choose(chosenId === null ? 0 : chosenIndex + 1); e.preventDefault(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { choose(chosenId === null ? 0 : chosenIndex - 1); e.preventDefault(); }
    else if (e.key === 'Enter' && chosenId !== null && !e.target.closest('a, button')) { window.location.href = all[chosenIndex].getAttribute('href'); e.preventDefault(); }
  });

  document.body.addEventListener('htmx:afterSwap', function () { if (chosenId !== null) restore(); });
  document.body.addEventListener('htmx:afterSettle', function () { if (chosenId !== null) restore(); });
  if (rows().length > 0) choose(0);
})();
