// Conversations: keep a thread scrolled to its newest message, and count the WhatsApp window down to the minute.
(function () {
  if (window.leadlineConversations) return;   // the detail page may include this file twice (tab and stats)
  window.leadlineConversations = true;

  function scrollThreads() {
    document.querySelectorAll('.message-thread').forEach(function (t) { t.scrollTop = t.scrollHeight; });
  }

  function left(ms) {
    if (ms <= 0) return null;
    const minutes = Math.ceil(ms / 60000);
    return minutes >= 60 ? Math.floor(minutes / 60) + 'h left' : minutes + 'm left';   // as the server words it (WhatsappWindow.Left)
  }

  function tick() {
    document.querySelectorAll('.window-badge[data-closes-at]').forEach(function (badge) {
      const text = left(Date.parse(badge.dataset.closesAt) - Date.now());
      const label = badge.querySelector('.window-left');
      if (text === null) {
        badge.classList.remove('text-bg-success', 'window-open');
        badge.classList.add('text-bg-secondary', 'window-closed');
        badge.dataset.window = 'closed';
        if (label) label.textContent = badge.dataset.long ? 'Window closed' : 'WA closed';
        badge.removeAttribute('data-closes-at');
      } else if (label) {
        label.textContent = badge.dataset.long ? 'Window open · ' + text : 'WA ' + text;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () { scrollThreads(); tick(); });
  if (document.readyState !== 'loading') { scrollThreads(); tick(); }
  document.body.addEventListener('htmx:afterSwap', function () { scrollThreads(); tick(); });   // an outerHTML swap's target is the old element
  // a picture that loads after the scroll makes the thread taller: keep the newest message in view while the page opens
  const opened = Date.now();
  document.addEventListener('load', function (e) {
    const thread = e.target.tagName === 'IMG' && e.target.closest('.message-thread');
    if (thread && Date.now() - opened < 5000) thread.scrollTop = thread.scrollHeight;
  }, true);
  setInterval(tick, 30000);
})();

// the reply box's channel choice: the subject line is e-mail's, shown only while an e-mail channel is chosen
document.addEventListener('change', function (e) {
  const select = e.target.closest('select[data-reply-channel]');
  if (!select) return;
  const kind = select.selectedOptions[0] ? select.selectedOptions[0].dataset.kind : '';
  select.form.querySelectorAll('[data-for-kind]').forEach(function (box) { box.hidden = box.dataset.forKind !== kind; });
});
