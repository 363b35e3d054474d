// wxpress preview: live reload over server-sent events, the width switch and the
// "Copy for WeChat" button. Pages update in place (no navigation), so the reader's
// scroll position stays where it was.
(() => {
  'use strict';
  const body = document.body;
  const page = body.dataset.page;
  const slug = body.dataset.slug;
  const live = document.getElementById('wx-live');
  // State a test (or a curious writer) can read from the console.
  const wx = (window.wxpress = {
    generation: Number(body.dataset.generation || 0),
    reloads: 0,
    refreshes: 0,
    article: null,
    lastCopy: null,
  });

  const byId = (id) => document.getElementById(id);
  let sequence = 0;

  function setLive(on, why) {
    if (!live) return;
    live.classList.toggle('on', on);
    live.title = 'live reload: ' + why;
  }

  function connect() {
    const events = new EventSource('/events');
    events.addEventListener('hello', (e) => {
      setLive(true, 'connected');
      // After a server restart the page may be out of date.
      if (JSON.parse(e.data).generation !== wx.generation) refresh();
    });
    events.addEventListener('reload', (e) => {
      const message = JSON.parse(e.data);
      wx.reloads++;
      if (page === 'index' || message.full || message.slugs.includes(slug)) {
        refresh();
      } else {
        wx.generation = message.generation;
      }
    });
    events.onerror = () => setLive(false, 'disconnected, retrying');
  }

  async function refresh() {
    const mine = ++sequence;
    try {
      if (page === 'post') await refreshPost(mine);
      else if (page === 'index') await refreshIndex(mine);
    } catch (err) {
      setLive(false, 'refresh failed: ' + err.message);
    }
  }

  async function refreshIndex(mine) {
    const res = await fetch(location.pathname + location.search, { cache: 'no-store' });
    const html = await res.text();
    if (mine !== sequence) return;
    const doc = new DOMParser().parseFromString(html, 'text/html');
    byId('wx-index').innerHTML = doc.getElementById('wx-index').innerHTML;
    wx.generation = Number(doc.body.dataset.generation);
    body.dataset.generation = wx.generation;
    wx.refreshes++;
  }

  async function refreshPost(mine) {
    const res = await fetch('/post/' + encodeURIComponent(slug) + '/live.json', { cache: 'no-store' });
    if (mine !== sequence) return;
    if (res.status === 404) {
      byId('wx-overlay').innerHTML =
        '<div class="overlay-box" role="alert"><p class="overlay-title">This post is gone</p>' +
        '<p class="msg">Its file was renamed, deleted or marked work in progress (wip = true).</p>' +
        '<p class="overlay-note"><a href="/">All posts</a></p></div>';
      return;
    }
    const data = await res.json();
    if (mine !== sequence) return;
    showPost(data);
  }

  const frame = byId('wx-frame');

  function frameParts() {
    const doc = frame && frame.contentDocument;
    if (!doc || doc.readyState !== 'complete') return null;
    const content = doc.getElementById('js_content');
    const head = doc.getElementById('wx-head');
    return content && head ? { doc, content, head } : null;
  }

  function showPost(data) {
    wx.article = data.article;
    wx.generation = data.generation;
    body.dataset.generation = data.generation;
    document.title = data.title + ' · wxpress preview';
    byId('wx-overlay').innerHTML = data.overlay;
    byId('wx-card').innerHTML = data.card;
    byId('wx-diagnostics').innerHTML = data.panel;
    const parts = frameParts();
    if (parts) {
      // Same document, new content: the frame keeps its scroll position.
      parts.head.innerHTML = data.head;
      parts.content.innerHTML = data.article;
    } else {
      frame.addEventListener('load', () => showPost(data), { once: true });
      return;
    }
    wx.refreshes++;
  }

  // The frame's own scroll position also survives a manual reload of the page.
  function rememberScroll() {
    const key = 'wxpress-scroll:' + slug;
    const restore = () => {
      const win = frame.contentWindow;
      const y = Number(sessionStorage.getItem(key) || 0);
      if (y) win.scrollTo(0, y);
      win.addEventListener('scroll', () => sessionStorage.setItem(key, String(win.scrollY)), {
        passive: true,
      });
    };
    if (frameParts()) restore();
    else frame.addEventListener('load', restore, { once: true });
  }

  function setupWidths() {
    const device = byId('wx-device');
    const buttons = document.querySelectorAll('.widths button');
    const choose = (width) => {
      device.dataset.width = width;
      buttons.forEach((b) => b.classList.toggle('on', b.dataset.width === width));
      localStorage.setItem('wxpress-width', width);
    };
    buttons.forEach((b) => b.addEventListener('click', () => choose(b.dataset.width)));
    const saved = localStorage.getItem('wxpress-width');
    if (saved === '375' || saved === '677') choose(saved);
  }

  function status(text) {
    const el = byId('wx-copy-status');
    if (el) el.textContent = text;
  }

  // Copy for WeChat: the exact article HTML as text/html (what the WeChat editor
  // pastes) and its visible text as text/plain.
  async function copyForWeChat() {
    const parts = frameParts();
    const html = wx.article;
    if (html == null || !parts) {
      status('The article is still loading; try again.');
      return;
    }
    const text = parts.content.innerText;
    wx.lastCopy = { html, text };
    try {
      await navigator.clipboard.write([
        new ClipboardItem({
          'text/html': new Blob([html], { type: 'text/html' }),
          'text/plain': new Blob([text], { type: 'text/plain' }),
        }),
      ]);
      status('Copied. Paste it into the WeChat editor.');
    } catch (err) {
      // No clipboard permission (or not a secure context): a copy event can still
      // carry both formats.
      const onCopy = (e) => {
        e.clipboardData.setData('text/html', html);
        e.clipboardData.setData('text/plain', text);
        e.preventDefault();
      };
      document.addEventListener('copy', onCopy, { once: true });
      const ok = document.execCommand('copy');
      document.removeEventListener('copy', onCopy);
      status(ok ? 'Copied. Paste it into the WeChat editor.' : 'Copy failed: ' + err.message);
    }
  }

  if (page === 'post') {
    setupWidths();
    rememberScroll();
    byId('wx-copy').addEventListener('click', copyForWeChat);
    refresh();
  }
  connect();
})();
