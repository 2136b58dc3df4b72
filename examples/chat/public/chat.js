// The example chat page. Uses the Switchboard client's IIFE bundle (global `Switchboard`)
// against the /ws/chat/:roomId gateway of the example app, whose rooms keep history: the page
// joins the room itself (`join=client`), so after a reconnect the client rejoins it since the
// last message the page saw and the messages sent while it was away are shown (issue #13).
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
  const myIds = new Set(); // this page's connection ids, the current one and those before it
  /** How many of the room's next frames are ones missed while offline, which a rejoin is replaying. */
  let replaying = 0;
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
    // join=client: the server leaves joining the room to the page, so that the client can rejoin it `since`.
    const url = `${scheme}://${location.host}/ws/chat/${encodeURIComponent(room)}?name=${encodeURIComponent(name)}&join=client`;
    client = Switchboard.connect(url);
    // Remembered by the client: every reconnection rejoins the room since the last message seen, and what was
    // missed arrives through the handlers below, in order, each once.
    // (A client that stopped for good has said so through onStateChange.)
    client.joinRoom(room).catch((error) => client.state === 'closed' || notice(`Could not join #${room} (${error.code}): ${error.message}`, true));

    client.onStateChange((state) => {
      showState(state);
      if (state === 'closed') notice('Offline: the server ended the session. Reload the page to join again.', true);
    });
    client.onReconnecting((attempt) => showState('reconnecting', attempt));
    client.onDisconnected((code) => {
      replaying = 0;
      clearTypers(); // nobody's typing can be seen from here until the connection is back
      notice(`Connection lost (code ${code})`);
    });
    client.onConnected((id) => {
      myIds.add(id);
      if (connectedOnce) notice('Reconnected');
      connectedOnce = true;
    });
    // After a reconnect: the frames of the room sent while the page was away follow this, then live ones.
    client.on('recovered', (recovery) => {
      replaying = recovery.missed;
    });
    // The server could not replay them (its history was lost with a restart, or no longer reaches back so far).
    client.on('notRecovered', () => {
      replaying = 0;
      notice('Some messages could not be recovered', true);
    });
    // Runs after the handlers below: counts the replayed frames of the room down.
    client.on('*', (_message, _sender, inRoom) => {
      if (inRoom === room && replaying > 0) replaying--;
    });
    client.onError((error) => console.warn('switchboard:', error.code, error.message));

    // The server sends the member list on every (re)connection, through the realtime service.
    client.on('room_joined', (joined) => {
      members.clear();
      for (const member of joined.members) {
        // After a network loss the server may not have noticed yet that this page's previous connection is gone.
        if (member.id === client.id || !myIds.has(member.id)) members.set(member.id, String(member.name));
      }
      renderMembers();
    });
    client.on('user_joined', (user) => {
      members.set(user.id, String(user.name));
      renderMembers();
      notice(`${user.name} joined`);
    });
    client.on('user_left', (user) => {
      setTyping(user.id, user.name, false);
      const wasMember = members.delete(user.id);
      // Someone who left while the page was away is not in the member list it got on reconnecting: a replayed
      // leave is news all the same, unless it is this page's own connection from before.
      const leftWhileAway = replaying > 0 && !myIds.has(user.id);
      if (!wasMember && !leftWhileAway) return;
      renderMembers();
      notice(`${user.name} left`);
    });
    // Room broadcasts carry `room`; the handler's own return value (sent to plain emits) does not.
    client.on('message', (message, _sender, inRoom) => {
      if (!inRoom) return;
      setTyping(message.from, message.name, false);
      addMessage(message);
    });
    // A typing notice from while the page was away is stale: who still types says so again within TYPING_REFRESH.
    client.on('typing', (signal) => replaying > 0 || setTyping(signal.from, signal.name, signal.typing));

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
  // Back online: try now rather than at the next scheduled attempt (up to seconds away after a long outage).
  window.addEventListener('online', () => {
    if (!client) return;
    client.reconnectNow();
    showState(client.state);
  });

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
    renderTypers();
  }

  function clearTypers() {
    for (const { timer } of typers.values()) clearTimeout(timer);
    typers.clear();
    renderTypers();
  }

  function renderTypers() {
    const names = [...typers.values()].map((t) => t.name);
    el.typing.textContent =
      names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
  }
})();
