// Leadline page glue: htmx does the partial updates; this file only wires what htmx cannot express.
(function () {
  // htmx 2 leaves 4xx/5xx responses unswapped; tell the user instead of failing silently
  document.body.addEventListener('htmx:responseError', function (evt) {
    const status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    const message = status === 401 || status === 403
      ? 'Your session has ended or you lack access. Reload the page to sign in again.'
      : 'The change could not be saved (' + status + '). Nothing was changed; try again.';
    showToast(message);
  });
  window.leadline = { toast: showToast };

  function showToast(message) {
    let host = document.getElementById('toast-host');
    if (!host) {
      host = document.createElement('div');
      host.id = 'toast-host';
      host.className = 'toast-container position-fixed bottom-0 end-0 p-3';
      document.body.appendChild(host);
    }
    const toast = document.createElement('div');
    toast.className = 'toast align-items-center text-bg-danger border-0';
    toast.setAttribute('role', 'alert');
    toast.innerHTML = '<div class="d-flex"><div class="toast-body"></div><button type="button" class="btn-close btn-close-white me-2 m-auto" data-bs-dismiss="toast" aria-label="Close"></button></div>';
    toast.querySelector('.toast-body').textContent = message;
    host.appendChild(toast);
    bootstrap.Toast.getOrCreateInstance(toast).show();
  }
})();

// Leads: table or card view, remembered per browser
(function () {
  const key = 'leadline.leadView';
  const apply = (view) => { document.body.dataset.leadView = view; };
  apply(localStorage.getItem(key) || 'table');
  document.addEventListener('click', function (evt) {
    const button = evt.target.closest('[data-view]');
    if (!button) return;
    localStorage.setItem(key, button.dataset.view);
    apply(button.dataset.view);
  });
})();

// Lead dialog: htmx fills #lead-modal-body (New lead form, quick look); open the dialog once content arrived
(function () {
  document.body.addEventListener('htmx:afterSwap', function (evt) {
    if (evt.detail.target.id !== 'lead-modal-body') return;
    const trigger = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    const title = document.getElementById('lead-modal-title');
    if (title && trigger && trigger.dataset.modalTitle) title.textContent = trigger.dataset.modalTitle;
    bootstrap.Modal.getOrCreateInstance(document.getElementById('lead-modal')).show();
    const first = evt.detail.target.querySelector('input:not([type=hidden])');
    if (first) setTimeout(function () { first.focus(); }, 300);
  });
})();

// Live updates: pages that show leads (data-live) listen to /events and re-fetch themselves on "leads-changed"
(function () {
  if (!document.querySelector('[data-live], #notification-bell, [data-messages-lead]')) return;
  const source = new EventSource('/events');
  source.addEventListener('connected', function () { document.body.dataset.live = 'on'; });
  source.addEventListener('leads-changed', function () {
    if (window.leadlineBusy) { window.leadlinePendingRefresh = true; return; }   // never pull the board from under a drag
    htmx.trigger(document.body, 'leads-changed');
  });
  // a lead's messages changed ("messages-changed" names the lead ids, or "*"): its open threads re-fetch themselves
  source.addEventListener('messages-changed', function (e) {
    const ids = String(e.data || '').match(/\d+|\*/g) || [];
    document.querySelectorAll('[data-messages-lead]').forEach(function (thread) {
      if (ids.indexOf('*') >= 0 || ids.indexOf(thread.dataset.messagesLead) >= 0) htmx.trigger(thread, 'messages-changed');
    });
  });
  source.addEventListener('notifications', function (e) {
    const shell = document.querySelector('[data-user-id]');
    if (shell && shell.dataset.userId === e.data) htmx.trigger(document.body, 'notifications-changed');
  });
  source.onerror = function () { document.body.dataset.live = 'off'; };   // EventSource reconnects by itself
  window.addEventListener('beforeunload', function () { source.close(); });
})();

// dialogs say when their animation has finished (Bootstrap ignores a close while a dialog is still opening)
document.addEventListener('shown.bs.modal', function (e) { e.target.dataset.state = 'shown'; });
document.addEventListener('hidden.bs.modal', function (e) { e.target.dataset.state = 'hidden'; });

// "Predefined notes": the chosen template's text goes into the note box (after what is already typed), its id into the
// form, and its outcome into the outcome control; saving then applies the template's tags on the server
document.addEventListener('change', function (e) {
  const picker = e.target.closest('select[data-template-picker]');
  if (!picker) return;
  const option = picker.selectedOptions[0];
  const form = picker.closest('form');
  const box = document.querySelector(picker.dataset.templatePicker);
  const hidden = form && form.querySelector('[data-template-id]');
  if (hidden) hidden.value = option.value;
  if (!option.value) return;
  if (box) {
    box.value = box.value.trim() ? box.value.trim() + '\n' + option.dataset.text : option.dataset.text;
    box.focus();
  }
  const outcome = option.dataset.outcome;
  if (outcome && form) {
    const radio = form.querySelector('input[name=outcome][value="' + outcome + '"]');
    if (radio) radio.checked = true;
    const select = form.querySelector('select[name=outcome]');
    if (select) select.value = outcome;
  }
});

// the work queue's call form: keys 1-4 choose the outcome (outside text boxes), Ctrl+Enter saves and opens the next lead
(function () {
  const form = document.querySelector('[data-queue-form]');
  if (!form) return;
  const picker = form.querySelector('select[data-template-picker]');
  if (picker) picker.focus();
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      form.querySelector('#save-and-next').click();
      return;
    }
    if (e.target.matches('textarea, input[type=text], input[type=number], input[type=search]')) return;
    const radio = form.querySelector('input[data-outcome-key="' + e.key + '"]');
    if (radio) { radio.checked = true; e.preventDefault(); }
  });
})();

// the duplicate sweep finished (its progress poll says so once, and stops): reload to show the groups
document.addEventListener('sweep-finished', function () { window.location.reload(); });
// an import job is over (its progress poll says so once, and stops): reload to show the result and its errors
document.addEventListener('import-finished', function () { window.location.reload(); });

// small behaviours of form controls, wired here because the Content-Security-Policy runs no inline handlers (onchange=...)
document.addEventListener('change', function (e) {
  // a filter select submits its form at once
  if (e.target.matches('select[data-submit-on-change]')) e.target.form.submit();
  // a file input refuses a file over its limit before the upload starts
  const file = e.target.closest('input[type=file][data-max-bytes]');
  if (file) {
    const f = file.files[0];
    file.setCustomValidity(f && f.size > Number(file.dataset.maxBytes) ? file.dataset.tooLarge : '');
    file.reportValidity();
  }
});
// a range input shows its value in an <output>
document.addEventListener('input', function (e) {
  const range = e.target.closest('input[data-shows-value-in]');
  if (!range) return;
  const output = document.querySelector(range.dataset.showsValueIn);
  if (output) output.value = range.value;
});

// a field's server message ("Name is required.") goes once the field has a value again, instead of staying until the next post
document.addEventListener('input', function (e) {
  const field = e.target.closest('input, textarea, select');
  if (!field || !field.value.trim() || !field.classList.contains('is-invalid')) return;
  field.classList.remove('is-invalid');
  const box = field.parentElement;
  if (box) box.querySelectorAll('.invalid-feedback').forEach(function (m) { m.remove(); });
});

// a text box with data-counter shows "n / limit" under it; its maxlength is the server's limit, and reaching it (a long
// paste is cut by the browser) turns the counter red and says so, so nothing is cut silently
(function () {
  const format = new Intl.NumberFormat('en');
  function update(box) {
    const counter = document.querySelector(box.dataset.counter);
    if (!counter) return;
    const max = Number(box.getAttribute('maxlength'));
    const full = box.value.length >= max;
    counter.textContent = format.format(box.value.length) + ' / ' + format.format(max) + (full ? ' (limit reached: the rest was not kept)' : '');
    counter.classList.toggle('text-danger', full);
    counter.classList.toggle('fw-semibold', full);
    // announced only when it matters, not on every keystroke
    if (full) counter.setAttribute('role', 'status'); else counter.removeAttribute('role');
  }
  document.addEventListener('input', function (e) { if (e.target.matches('[data-counter]')) update(e.target); });
  document.querySelectorAll('[data-counter]').forEach(update);
  document.body.addEventListener('htmx:afterSwap', function () { document.querySelectorAll('[data-counter]').forEach(update); });
})();

// keyboard shortcuts: "/" search, "n" new lead, "?" help; never while typing in a field or with a modifier key
document.addEventListener('keydown', function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  const t = e.target;
  if (t.closest('input, textarea, select, [contenteditable=""], [contenteditable=true]')) return;
  if (document.querySelector('.modal.show') && e.key !== '?') return;
  if (e.key === '/') {
    const search = document.querySelector('main input[type=search]');
    if (!search) return;
    e.preventDefault();
    search.focus();
    search.select();
  } else if (e.key === 'n') {
    e.preventDefault();
    const button = document.getElementById('new-lead');
    if (button) button.click(); else window.location.href = '/leads/new';
  } else if (e.key === '?') {
    const help = document.getElementById('shortcuts-help');
    if (!help) return;
    e.preventDefault();
    bootstrap.Modal.getOrCreateInstance(help).show();
  }
});

// the skip link: with <base href="/"> a bare "#main-content" would load the home page, so move the focus here instead
document.addEventListener('click', function (e) {
  const skip = e.target.closest('a.skip-link');
  if (!skip) return;
  e.preventDefault();
  const main = document.getElementById('main-content');
  if (main) { main.focus(); main.scrollIntoView(); }
});
