// The lead list's bulk selection (BulkBar.razor): tick boxes, a header box for the page, "select all N matching",
// the action's own fields, and the status line of a running action (htmx polls it; the list refreshes when it ends).
(function () {
  'use strict';
  const bar = document.getElementById('bulk-bar');
  if (!bar) return;
  const selected = new Set();
  let matching = false;
  const total = Number(bar.dataset.total || 0);
  const count = document.getElementById('bulk-count');
  const scope = document.getElementById('bulk-scope');
  const ids = document.getElementById('bulk-ids');
  const selectMatching = document.getElementById('bulk-select-matching');
  const action = document.getElementById('bulk-action');
  const stage = document.getElementById('bulk-stage');
  const boxes = () => Array.from(document.querySelectorAll('#lead-results .lead-select'));
  // the page's leads (each has a box in the table and one on its card; phones show only the cards)
  const pageIds = () => Array.from(new Set(boxes().map(b => b.value)));

  function render() {
    boxes().forEach(b => { b.checked = matching || selected.has(b.value); });
    const onPage = pageIds();
    const ticked = onPage.filter(v => matching || selected.has(v)).length;
    const head = document.getElementById('select-all-rows');
    if (head) {
      head.checked = ticked > 0 && ticked === onPage.length;
      head.indeterminate = ticked > 0 && ticked < onPage.length;
    }
    const n = matching ? total : selected.size;
    bar.hidden = n === 0;
    document.body.classList.toggle('bulk-active', n > 0);
    count.textContent = matching ? 'All ' + total.toLocaleString() + ' matching selected' : n + ' selected';
    selectMatching.hidden = matching || total <= n;
    scope.value = matching ? 'matching' : 'selected';
  }

  function showFields() {
    const chosen = action.value;
    const lost = stage && stage.selectedOptions[0] && stage.selectedOptions[0].dataset.lost === 'true';
    bar.querySelectorAll('[data-bulk-for]').forEach(el => {
      const fors = el.dataset.bulkFor.split(' ');
      el.hidden = !(fors.includes(chosen) || (fors.includes('lost') && chosen === 'moveToStage' && lost));
    });
  }

  document.addEventListener('change', e => {
    const t = e.target;
    if (t.matches('#lead-results .lead-select')) {
      if (matching) {   // unticking one of "all matching" leaves the page's others ticked
        matching = false;
        boxes().forEach(b => selected.add(b.value));
      }
      if (t.checked) selected.add(t.value); else selected.delete(t.value);
      render();
    } else if (t.id === 'select-all-rows') {
      matching = false;
      boxes().forEach(b => { if (t.checked) selected.add(b.value); else selected.delete(b.value); });
      render();
    } else if (t === action || t === stage) {
      showFields();
    }
  });
  selectMatching.addEventListener('click', () => { matching = true; render(); });
  document.getElementById('bulk-clear').addEventListener('click', () => { matching = false; selected.clear(); render(); });

  bar.addEventListener('submit', e => {
    if (!action.value) {
      e.preventDefault();
      action.focus();
      return;
    }
    // the list's filter as it is now (search-as-you-type changes the address, not this form)
    const query = new URLSearchParams(window.location.search);
    query.delete('cursor');
    query.delete('bulk');
    bar.querySelector('input[name=filter]').value = query.toString();
    ids.replaceChildren(...(matching ? [] : Array.from(selected, v => {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'ids';
      input.value = v;
      return input;
    })));
  });

  const initial = document.getElementById('bulk-status');
  let wasRunning = !!initial && (initial.dataset.status === 'queued' || initial.dataset.status === 'running');

  // the list re-renders on live updates and searches: keep the ticks
  document.body.addEventListener('htmx:afterSettle', () => {
    render();
    const status = document.getElementById('bulk-status');
    const state = status ? status.dataset.status : null;
    if (wasRunning && state !== 'queued' && state !== 'running' && window.htmx) {
      window.htmx.trigger(document.body, 'leads-changed');   // the job ended: show its result in the list
    }
    wasRunning = state === 'queued' || state === 'running';
  });
  render();
  showFields();
})();
