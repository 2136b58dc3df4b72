// The example chat page. Uses the Switchboard client's IIFE bundle (global `Switchboard`)
// against the /ws/chat/:roomId gateway of the example app.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const el = {
    status: $('status'),
    join: $('join'),
    name: $('name'),
    room: $('room'),
    chat: $('chat'),
    roomName: $('room-name'),
    memberCount: $('member-count'),
    members: $('members'),
    messages: $('messages'),
    typing: $('typing'),
    composer: $('composer'),
    text: $('text'),
  };

  /** Send `typing: true` at most this often while the user types, and `false` after this long idle. */
  const TYPING_REFRESH = 2000;
  const TYPING_IDLE = 3000;
  /** A remote typing notice expires after this long without a refresh (in case its `false` is lost). */
  const TYPING_EXPIRY = 5000;

  let client;
  let connectedOnce = false;
  const members = new Map(); // connection id -> name
  const typers = new Map(); // connection id -> { name, timer }
  let typingSentAt = 0;
  let idleTimer;

  const query = new URLSearchParams(location.search);
  if (query.get('name')) el.name.value = query.get('name');
  if (query.get('room')) el.room.value = query.get('room');

  el.join.addEventListener('submit', (event) => {
    event.preventDefault();
    start(el.name.value.trim(), el.room.value.trim());
  });

  function start(name, room) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/ws/chat/${encodeURIComponent(room)}?name=${encodeURIComponent(name)}`;
    client = Switchboard.connect(url);

    client.onStateChange((state) => {
      showState(state);
      if (state === 'closed') notice('Offline: the server ended the session. Reload the page to join again.', true);
    });
    client.onReconnecting((attempt) => showState('reconnecting', attempt));
    client.onDisconnected((code) => notice(`Connection lost (code ${code})`));
    client.onConnected(() => {
      if (connectedOnce) notice('Reconnected');
      connectedOnce = true;
    });
    client.onError((error) => console.warn('switchboard:', error.code, error.message));

    // The server sends the member list on every (re)connection, through the realtime service.
    client.on('room_joined', (joined) => {
      members.clear();
      for (const member of joined.members) members.set(member.id, String(member.name));
      renderMembers();
    });
    client.on('user_joined', (user) => {
      members.set(user.id, String(user.name));
      renderMembers();
      notice(`${user.name} joined`);
    });
    client.on('user_left', (user) => {
      if (!members.delete(user.id)) return;
      setTyping(user.id, user.name, false);
      renderMembers();
      notice(`${user.name} left`);
    });
    // Room broadcasts carry `room`; the handler's own return value (sent to plain emits) does not.
    client.on('message', (message, _sender, inRoom) => {
      if (!inRoom) return;
      setTyping(message.from, message.name, false);
      addMessage(message);
    });
    client.on('typing', (signal) => setTyping(signal.from, signal.name, signal.typing));

    el.roomName.textContent = room;
    el.join.hidden = true;
    el.chat.hidden = false;
    el.text.focus();
  }

  el.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = el.text.value.trim();
    if (!text || !client) return;
    el.text.value = '';
    stopTyping();
    // A request: queued while offline, answered once delivered; a failure is shown, not lost silently.
    client.request('message', { text }).then(
      (reply) => reply.sent || notice(`Not sent: ${reply.reason}`, true),
      (error) => notice(`Not sent (${error.code}): ${error.message}`, true),
    );
  });

  el.text.addEventListener('input', () => {
    if (!client || client.state !== 'connected') return; // typing notices are not worth queueing
    const now = Date.now();
    if (now - typingSentAt > TYPING_REFRESH) {
      client.emit('typing', true);
      typingSentAt = now;
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopTyping, TYPING_IDLE);
  });

  function stopTyping() {
    clearTimeout(idleTimer);
    if (typingSentAt && client && client.state === 'connected') client.emit('typing', false);
    typingSentAt = 0;
  }

  // With the network gone the client keeps retrying; say "offline" until it is back.
  window.addEventListener('offline', () => client && client.state !== 'connected' && showState('closed'));
  window.addEventListener('online', () => client && showState(client.state));

  function showState(state, attempt) {
    if (state === 'reconnecting' && !navigator.onLine) state = 'closed';
    const label = {
      connecting: 'connecting…',
      connected: 'connected',
      reconnecting: attempt ? `reconnecting… (attempt ${attempt})` : 'reconnecting…',
      closed: 'offline',
    }[state];
    el.status.dataset.state = state === 'closed' ? 'offline' : state;
    el.status.textContent = label;
  }

  function renderMembers() {
    // You first, then everyone else by name.
    const sorted = [...members].sort(([idA, a], [idB, b]) => (idB === client.id) - (idA === client.id) || a.localeCompare(b));
    el.members.replaceChildren(
      ...sorted.map(([id, name]) => {
        const item = document.createElement('li');
        item.textContent = name;
        item.dataset.id = id;
        if (client && id === client.id) item.className = 'me';
        return item;
      }),
    );
    el.memberCount.textContent = String(members.size);
  }

  function addMessage(message) {
    const item = document.createElement('li');
    item.className = message.from === client.id ? 'message mine' : 'message';
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = message.name;
    const time = document.createElement('time');
    time.dateTime = message.timestamp;
    time.textContent = new Date(message.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const text = document.createElement('p');
    text.className = 'text';
    text.textContent = message.text;
    item.append(who, time, text);
    append(item);
  }

  function notice(text, isError) {
    const item = document.createElement('li');
    item.className = isError ? 'notice error' : 'notice';
    item.textContent = text;
    append(item);
  }

  function append(item) {
    el.messages.append(item);
    el.messages.scrollTop = el.messages.scrollHeight;
  }

  function setTyping(id, name, typing) {
    const current = typers.get(id);
    if (current) clearTimeout(current.timer);
    if (typing) typers.set(id, { name, timer: setTimeout(() => setTyping(id, name, false), TYPING_EXPIRY) });
    else typers.delete(id);
    const names = [...typers.values()].map((t) => t.name);
    el.typing.textContent =
      names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
  }
})();
