// Pipeline board: drag and drop between and within columns (SortableJS), the lost-reason question, quick edit.
(function () {
  const token = () => document.querySelector('meta[name="request-verification-token"]').content;
  const refresh = () => htmx.trigger(document.body, 'board-refresh');

  function bind() {
    document.querySelectorAll('#board .board-column').forEach(function (column) {
      if (column.dataset.sortable) return;
      column.dataset.sortable = 'on';
      Sortable.create(column, {
        group: 'board',
        animation: 150,
        draggable: '.board-card',
        onStart: function () { window.leadlineBusy = true; },
        onEnd: onEnd
      });
    });
  }

  function askLostReason() {
    return new Promise(function (resolve) {
      const element = document.getElementById('lost-modal');
      const modal = bootstrap.Modal.getOrCreateInstance(element);
      const form = document.getElementById('lost-modal-form');
      const input = document.getElementById('board-lost-reason');
      input.value = '';
      const done = function (value) {
        form.onsubmit = null;
        document.getElementById('lost-cancel').onclick = null;
        modal.hide();
        resolve(value);
      };
      form.onsubmit = function (e) { e.preventDefault(); if (input.value.trim()) done(input.value.trim()); };
      document.getElementById('lost-cancel').onclick = function () { done(null); };
      modal.show();
      setTimeout(function () { input.focus(); }, 300);
    });
  }

  async function onEnd(evt) {
    try {
      if (evt.from === evt.to && evt.oldDraggableIndex === evt.newDraggableIndex) return;
      const card = evt.item;
      const target = evt.to;
      let lostReason = null;
      if (target.dataset.category === 'lost' && evt.from !== evt.to) {
        lostReason = await askLostReason();
        if (lostReason === null) { refresh(); return; }   // cancelled: the card goes back
      }
      const body = new URLSearchParams({
        leadId: card.dataset.id, stageId: target.dataset.stageId,
        position: String(evt.newDraggableIndex), version: card.dataset.version
      });
      // the cards it was dropped between, as this (maybe filtered, partly loaded) column shows them: the server places
      // it next to them, where the index alone would count cards this board does not show
      const sibling = function (element, step) {
        let other = element[step];
        while (other && !other.classList.contains('board-card')) other = other[step];
        return other;
      };
      const previous = sibling(card, 'previousElementSibling');
      const next = sibling(card, 'nextElementSibling');
      if (previous) body.append('afterLeadId', previous.dataset.id);
      else if (next) body.append('beforeLeadId', next.dataset.id);
      if (lostReason) body.append('lostReason', lostReason);
      const response = await fetch('/pipeline/move', { method: 'POST', headers: { 'RequestVerificationToken': token() }, body: body });
      document.body.dataset.lastMove = String(response.status);
      if (!response.ok) {
        const problem = await response.json().catch(function () { return {}; });
        window.leadline.toast(problem.detail || (problem.errors && Object.values(problem.errors).flat().join(' ')) || 'The move was not saved.');
      }
      refresh();
    } finally {
      window.leadlineBusy = false;
    }
  }

  document.body.addEventListener('htmx:afterSwap', function (evt) {
    if (evt.detail.target.id === 'board-modal-body') {
      bootstrap.Modal.getOrCreateInstance(document.getElementById('board-modal')).show();
    }
  });
  document.body.addEventListener('htmx:afterSettle', bind);
  bind();
})();
