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
  if (!document.querySelector('[data-live], #notification-bell')) return;
  const source = new EventSource('/events');
  source.addEventListener('connected', function () { document.body.dataset.live = 'on'; });
  source.addEventListener('leads-changed', function () {
    if (window.leadlineBusy) { window.leadlinePendingRefresh = true; return; }   // never pull the board from under a drag
    htmx.trigger(document.body, 'leads-changed');
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
