/**
 * The video consultation's browser client (decision 0015), plain JavaScript with no build step,
 * served at /video/assets/video-client.js. Like NHS.UK frontend's scripts it starts only on
 * elements that ask for it (`data-module="app-device-check"`, `"app-waiting-status"`,
 * `"app-video-call"`, `"app-clinic-watch"`) and a failure never breaks the page: the server
 * already rendered words that work without this script, and every page names the phone fallback.
 *
 * It speaks the messages of video-protocol.ts over the WebSocket at /video/signal (the pass cookie
 * authenticates it) and connects the call's participants as a full mesh of RTCPeerConnections. It
 * must not keep anything about the call anywhere (no storage) and never sends media to Kindred.
 */

const RECONNECT_STEPS_MS = [1000, 2000, 4000, 8000, 15000];
const CALL_STATUS_IN_CALL = 'in-call';
const ENDED = ['phone', 'finished'];

const signalUrl = (path) => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
const part = (root, name) => root.querySelector(`[data-part="${name}"]`);
const say = (element, text) => {
  if (element) element.textContent = text;
};

/** Runs a module on an element; a failure is logged and leaves the server's words in place. */
function start(name, run) {
  for (const element of document.querySelectorAll(`[data-module="${name}"]`)) {
    try {
      Promise.resolve(run(element)).catch((error) => console.error(`${name} failed`, error));
    } catch (error) {
      console.error(`${name} failed`, error);
    }
  }
}

async function cameraAndMicrophone() {
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') return undefined;
  for (const constraints of [{ video: true, audio: true }, { audio: true }, { video: true }]) {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch {
      // try with less
    }
  }
  return undefined;
}

/** A level meter on a microphone track: calls `onLevel(0..100)` about ten times a second until stopped. */
function levelMeter(stream, onLevel) {
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!AudioContextClass || stream.getAudioTracks().length === 0) return () => undefined;
  const audio = new AudioContextClass();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 512;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(samples);
    let peak = 0;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
    onLevel(Math.min(100, Math.round((peak / 128) * 200)));
  }, 100);
  return () => {
    clearInterval(timer);
    void audio.close();
  };
}

/** One round trip over the signalling socket (ping → pong), in milliseconds; rejects after 10 s. */
function roundTrip() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(signalUrl('/video/signal'));
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer'));
    }, 10000);
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'ping', sentAt: Date.now() })));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type !== 'pong') return;
      clearTimeout(timer);
      socket.close();
      resolve(Date.now() - message.sentAt);
    });
    socket.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error('the connection failed'));
    });
  });
}

/** The device check: camera preview, microphone level, connection round trip, WebRTC support; each with what to do if it fails. */
function deviceCheck(root) {
  const button = part(root, 'start');
  const fallback = root.getAttribute('data-fallback') || 'We will phone you instead.';
  const result = (name, ok, text) => {
    const element = part(root, name);
    if (!element) return;
    element.textContent = text;
    element.setAttribute('data-result', ok ? 'ok' : 'problem');
  };
  const run = async () => {
    if (button) button.disabled = true;
    result('webrtc-result', typeof window.RTCPeerConnection === 'function', typeof window.RTCPeerConnection === 'function' ? 'Your browser can make video calls.' : `Your browser cannot make video calls. Try Chrome, Edge, Firefox or Safari on another device. ${fallback}`);
    result('camera-result', true, 'Asking to use your camera and microphone…');
    const stream = await cameraAndMicrophone();
    if (stream === undefined) {
      result('camera-result', false, `We could not use your camera. Check that your browser may use it (look for a camera symbol near the address bar) and that no other app is using it. ${fallback}`);
      result('microphone-result', false, `We could not use your microphone. Check that your browser may use it. ${fallback}`);
    } else {
      const preview = part(root, 'preview');
      if (preview && stream.getVideoTracks().length > 0) {
        preview.srcObject = stream;
        preview.hidden = false;
        void preview.play().catch(() => undefined);
        result('camera-result', true, 'Your camera works: you should see yourself.');
      } else {
        result('camera-result', false, `We could not find a camera. You can still talk with your clinician by microphone. ${fallback}`);
      }
      const meter = part(root, 'meter');
      if (stream.getAudioTracks().length === 0) {
        result('microphone-result', false, `We could not find a microphone. ${fallback}`);
      } else {
        result('microphone-result', true, 'Say something: the bar moves when we can hear you.');
        let heard = false;
        levelMeter(stream, (level) => {
          if (meter) meter.value = level;
          if (!heard && level > 5) {
            heard = true;
            result('microphone-result', true, 'Your microphone works: we can hear you.');
          }
        });
      }
    }
    try {
      const ms = await roundTrip();
      result('connection-result', true, `Your connection to us works (it took ${ms} milliseconds).`);
    } catch {
      result('connection-result', false, `We could not reach the video service. Check your internet connection or move closer to your router, then try again. ${fallback}`);
    }
    if (button) button.disabled = false;
  };
  if (button) {
    button.hidden = false;
    button.addEventListener('click', () => void run());
  }
  const intro = part(root, 'no-script');
  if (intro) intro.hidden = true;
}

/** The waiting status region: headline, estimate and the clinic's message, from a WaitingStatus. */
function showStatus(root, status) {
  if (!root) return;
  say(part(root, 'headline'), status.headline);
  const estimate = part(root, 'estimate');
  if (estimate) {
    estimate.textContent = status.estimateMinutes === null ? '' : `We expect to see you in about ${status.estimateMinutes} minute${status.estimateMinutes === 1 ? '' : 's'}.`;
    estimate.hidden = status.estimateMinutes === null;
  }
  const message = part(root, 'message');
  if (message) {
    message.textContent = status.message ? `Message from the clinic: ${status.message.text}` : '';
    message.hidden = !status.message;
  }
}

/** A tile: a video element and the participant's name. */
function tile(grid, participantId, name, local) {
  const figure = document.createElement('figure');
  figure.className = `app-video-tile${local ? ' app-video-tile--local' : ''}`;
  figure.setAttribute('data-participant', participantId);
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = local;
  video.setAttribute('aria-label', local ? 'Your camera' : `Video of ${name}`);
  const caption = document.createElement('figcaption');
  caption.textContent = local ? `${name} (you)` : name;
  figure.append(video, caption);
  grid.append(figure);
  return { figure, video, caption };
}

/** The call: signalling socket with reconnection, local media, one RTCPeerConnection per other participant. */
function videoCall(root) {
  const waiting = document.querySelector('[data-module="app-waiting-status"]');
  const grid = part(root, 'tiles');
  const notice = part(root, 'notice');
  const controls = part(root, 'controls');
  const myName = root.getAttribute('data-name') || 'You';
  const names = new Map();
  const state = { me: undefined, status: undefined, iceServers: [], socket: undefined, attempt: 0, leaving: false, local: undefined, localTile: undefined, peers: new Map() };

  // what happened on the socket, without content (the last 100 events; for tests and for anyone debugging a call)
  const events = [];
  const note = (text) => {
    events.push(`${new Date().toISOString().slice(11, 23)} ${text}`);
    if (events.length > 100) events.shift();
  };
  const send = (message) => {
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return note(`not sent ${message.type}`);
    state.socket.send(JSON.stringify(message));
    if (message.type !== 'signal' || !message.data.candidate) note(`sent ${message.type}${message.to ? ` to ${message.to}` : ''}${message.data && message.data.description ? ` ${message.data.description.type}` : ''}`);
  };

  const localMedia = async () => {
    if (state.local === undefined) state.local = cameraAndMicrophone();
    const stream = await state.local;
    if (stream && !state.localTile && grid) {
      state.localTile = tile(grid, state.me || 'me', myName, true);
      state.localTile.video.srcObject = stream;
    }
    return stream;
  };

  const stopLocal = async () => {
    const stream = await state.local;
    state.local = undefined;
    if (stream) for (const track of stream.getTracks()) track.stop();
    if (state.localTile) state.localTile.figure.remove();
    state.localTile = undefined;
  };

  const closePeer = (participantId) => {
    const peer = state.peers.get(participantId);
    if (!peer) return;
    note(`closed connection to ${participantId}`);
    state.peers.delete(participantId);
    peer.pc.close();
    peer.tile.figure.remove();
  };
  const closeAllPeers = () => {
    for (const id of [...state.peers.keys()]) closePeer(id);
  };

  /**
   * A connection to one other participant, negotiated the "perfect negotiation" way (WebRTC 1.0
   * §10.7): both may offer; on a collision the one with the greater participant id is polite and
   * gives way. Work on one connection runs in order through its queue.
   */
  const openPeer = (summary) => {
    closePeer(summary.participantId);
    const pc = new RTCPeerConnection({ iceServers: state.iceServers });
    const peer = { pc, id: summary.participantId, polite: String(state.me) > summary.participantId, makingOffer: false, ignoreOffer: false, queue: Promise.resolve(), tile: tile(grid, summary.participantId, summary.displayName, false) };
    state.peers.set(summary.participantId, peer);
    pc.addEventListener('icecandidate', (event) => send({ type: 'signal', to: peer.id, data: { candidate: event.candidate ? event.candidate.toJSON() : null } }));
    pc.addEventListener('track', (event) => {
      const stream = event.streams[0] || new MediaStream([event.track]);
      if (peer.tile.video.srcObject !== stream) peer.tile.video.srcObject = stream;
    });
    pc.addEventListener('negotiationneeded', async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        send({ type: 'signal', to: peer.id, data: { description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } } });
      } catch (error) {
        console.error('offer failed', error);
      } finally {
        peer.makingOffer = false;
      }
    });
    pc.addEventListener('connectionstatechange', () => {
      note(`connection to ${peer.id} ${pc.connectionState}`);
      if (pc.connectionState === 'failed') pc.restartIce();
    });
    peer.queue = localMedia().then((stream) => {
      if (state.peers.get(peer.id) !== peer) return;
      if (stream && stream.getTracks().length > 0) {
        for (const track of stream.getTracks()) pc.addTrack(track, stream);
        if (stream.getVideoTracks().length === 0) pc.addTransceiver('video', { direction: 'recvonly' });
      } else {
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
    });
    return peer;
  };

  const applySignal = async (peer, data) => {
    const { pc } = peer;
    if (data.description) {
      const collision = data.description.type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable');
      peer.ignoreOffer = !peer.polite && collision;
      if (peer.ignoreOffer) return;
      await pc.setRemoteDescription(data.description);
      if (data.description.type === 'offer') {
        await pc.setLocalDescription();
        send({ type: 'signal', to: peer.id, data: { description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } } });
      }
    } else if ('candidate' in data) {
      try {
        await pc.addIceCandidate(data.candidate === null ? undefined : data.candidate);
      } catch (error) {
        if (!peer.ignoreOffer) console.error('candidate refused', error);
      }
    }
  };

  /** a connection their offer has just opened (still negotiating): not one left over from before */
  const isFresh = (peer) => peer !== undefined && peer.fromOffer === true && ['new', 'connecting'].includes(peer.pc.connectionState);

  const onSignal = (from, data) => {
    let peer = state.peers.get(from);
    if (!peer) {
      peer = openPeer({ participantId: from, displayName: names.get(from) || 'Someone in the call' });
      peer.fromOffer = true;
    }
    peer.queue = peer.queue
      .then(() => applySignal(peer, data))
      .catch((error) => {
        note(`signal from ${from} failed: ${error.message}`);
        console.error('signal failed', error);
      });
  };

  const setStatus = async (status) => {
    const before = state.status;
    state.status = status.status;
    showStatus(waiting, status);
    if (status.status === CALL_STATUS_IN_CALL) {
      root.hidden = false;
      if (controls) controls.hidden = false;
      if (waiting) part(waiting, 'waiting-extra')?.setAttribute('hidden', '');
      if (before !== CALL_STATUS_IN_CALL) say(notice, 'You are in the call.');
      await localMedia();
    } else {
      closeAllPeers();
      await stopLocal();
      if (controls) controls.hidden = true;
      if (ENDED.includes(status.status)) {
        state.leaving = true;
        say(notice, status.headline);
        state.socket?.close();
      } else if (before === CALL_STATUS_IN_CALL) {
        say(notice, status.headline);
      }
    }
  };

  const onMessage = (message) => {
    if (message.type !== 'signal' || !message.data.candidate) {
      const detail = message.type === 'signal' ? ` from ${message.from} ${message.data.description ? message.data.description.type : ''}` : message.type === 'status' ? ` ${message.status.status}` : message.peer ? ` ${message.peer.participantId}` : message.participantId && message.type !== 'welcome' ? ` ${message.participantId}` : message.peers ? ` ${message.peers.map((p) => p.participantId).join(',')}` : '';
      note(`got ${message.type}${detail}`);
    }
    switch (message.type) {
      case 'welcome':
        state.me = message.participantId;
        state.iceServers = message.iceServers || [];
        void setStatus(message.status);
        break;
      case 'status':
        void setStatus(message.status);
        break;
      case 'peers':
        // the newcomer: one connection to each participant already in the call; negotiationneeded sends the offers
        for (const summary of message.peers) {
          names.set(summary.participantId, summary.displayName);
          openPeer(summary);
        }
        break;
      case 'peer-joined':
        // they will send the offer; drop anything left from an earlier connection of theirs
        names.set(message.peer.participantId, message.peer.displayName);
        if (!isFresh(state.peers.get(message.peer.participantId))) closePeer(message.peer.participantId);
        say(notice, `${message.peer.displayName} joined the call.`);
        break;
      case 'peer-left': {
        const name = names.get(message.participantId);
        closePeer(message.participantId);
        if (name) say(notice, `${name} left the call.`);
        break;
      }
      case 'signal':
        onSignal(message.from, message.data);
        break;
      case 'error': {
        say(notice, message.message);
        // someone still waiting sees it where they are looking: the status
        const said = waiting && state.status !== CALL_STATUS_IN_CALL ? part(waiting, 'message') : undefined;
        if (said) {
          said.textContent = message.message;
          said.hidden = false;
        }
        break;
      }
      default:
        break;
    }
  };

  const connect = () => {
    const socket = new WebSocket(signalUrl('/video/signal'));
    state.socket = socket;
    socket.addEventListener('open', () => {
      state.attempt = 0;
    });
    socket.addEventListener('message', (event) => {
      try {
        onMessage(JSON.parse(event.data));
      } catch (error) {
        console.error('message not understood', error);
      }
    });
    socket.addEventListener('close', (event) => {
      note(`socket closed ${event.code}`);
      if (state.socket !== socket) return;
      // the others drop their connections to us when our socket closes: start afresh after reconnecting
      closeAllPeers();
      if (state.leaving) return;
      const wait = RECONNECT_STEPS_MS[Math.min(state.attempt, RECONNECT_STEPS_MS.length - 1)];
      state.attempt += 1;
      say(notice, `We lost the connection. Trying again in ${Math.round(wait / 1000)} second${wait === 1000 ? '' : 's'}…`);
      setTimeout(connect, wait);
    });
  };

  const toggle = (button, kind, onText, offText) => {
    if (!button) return;
    button.addEventListener('click', async () => {
      const stream = await state.local;
      const tracks = stream ? (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks()) : [];
      const off = button.getAttribute('aria-pressed') !== 'true';
      for (const track of tracks) track.enabled = !off;
      button.setAttribute('aria-pressed', off ? 'true' : 'false');
      button.textContent = off ? offText : onText;
    });
  };
  toggle(part(root, 'mute'), 'audio', 'Mute my microphone', 'Unmute my microphone');
  toggle(part(root, 'camera'), 'video', 'Turn my camera off', 'Turn my camera on');
  part(root, 'leave')?.addEventListener('click', async () => {
    state.leaving = true;
    state.socket?.close();
    closeAllPeers();
    await stopLocal();
    if (controls) controls.hidden = true;
    say(notice, root.getAttribute('data-left') || 'You have left the call.');
    const rejoin = part(root, 'rejoin');
    if (rejoin) rejoin.hidden = false;
  });

  window.kindredVideo = {
    /** for tests: frames decoded from each other participant (inbound-rtp video), and each connection's state */
    stats: async () => {
      const framesDecoded = {};
      const connectionStates = {};
      for (const [id, peer] of state.peers) {
        connectionStates[id] = peer.pc.connectionState;
        const report = await peer.pc.getStats();
        let frames = 0;
        report.forEach((entry) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'video') frames += entry.framesDecoded || 0;
        });
        framesDecoded[id] = frames;
      }
      return { participantId: state.me, status: state.status, framesDecoded, connectionStates, events: [...events] };
    },
  };

  const begin = () => {
    const joinButton = part(root, 'start');
    if (joinButton) joinButton.hidden = true;
    connect();
  };
  begin();
}

/** The staff's waiting room list: reloaded when the rooms change (clinic events), or every 15 seconds; never while someone is typing. */
function clinicWatch(root) {
  let typing = false;
  root.addEventListener('input', () => {
    typing = true;
  });
  const reload = () => {
    if (!typing && document.visibilityState !== 'hidden') location.reload();
  };
  try {
    const socket = new WebSocket(signalUrl('/video/clinic-events'));
    socket.addEventListener('message', (event) => {
      if (JSON.parse(event.data).type === 'room-changed') reload();
    });
  } catch {
    // polling below is enough
  }
  setInterval(reload, 15000);
}

/** The sections of the page with these ids, taken from another rendering of it. */
function replaceSections(htmlText, force, onlyId) {
  const fresh = new DOMParser().parseFromString(htmlText, 'text/html');
  for (const section of document.querySelectorAll('[data-module="app-live-section"][id]')) {
    if (onlyId !== undefined && section.id !== onlyId) continue;
    const replacement = fresh.getElementById(section.id);
    // never under someone's fingers, unless it answers their own form
    if (!replacement || (!force && section.contains(document.activeElement))) continue;
    const node = document.importNode(replacement, true);
    if (section.hasAttribute('data-timer')) node.setAttribute('data-timer', 'on');
    section.replaceWith(node);
    liveSection(node);
  }
}

/**
 * A part of the clinician's consultation screen kept up to date while the call runs (who is
 * waiting to be admitted) and whose forms post without leaving the page, so the call goes on.
 * Without a running call, the forms post and the page reloads as usual.
 */
function liveSection(root) {
  root.setAttribute('data-live', 'on');
  if (!document.querySelector('[data-module="app-video-call"]')) return;
  for (const formElement of root.querySelectorAll('form[method="post"]')) {
    formElement.addEventListener('submit', async (event) => {
      event.preventDefault();
      // a refresh that started before this post would bring back what it changes: it is dropped
      document.body.setAttribute('data-live-posts', String(Number(document.body.getAttribute('data-live-posts') || '0') + 1));
      const buttonElement = formElement.querySelector('button[type="submit"]');
      if (buttonElement) buttonElement.disabled = true;
      try {
        const answer = await fetch(formElement.action, { method: 'POST', body: new URLSearchParams(new FormData(formElement)), credentials: 'same-origin' });
        replaceSections(await answer.text(), true);
      } catch {
        formElement.submit();
      }
    });
  }
  const every = Number(root.getAttribute('data-refresh') || '0');
  if (every > 0 && !root.hasAttribute('data-timer')) {
    root.setAttribute('data-timer', 'on');
    const id = root.id;
    const timer = setInterval(async () => {
      const current = document.getElementById(id);
      if (!current) return clearInterval(timer);
      try {
        const posts = document.body.getAttribute('data-live-posts');
        const answer = await fetch(location.href, { credentials: 'same-origin' });
        const text = await answer.text();
        if (answer.ok && posts === document.body.getAttribute('data-live-posts')) replaceSections(text, false, id);
      } catch {
        // the next round tries again
      }
    }, every * 1000);
  }
}

start('app-device-check', deviceCheck);
start('app-video-call', videoCall);
start('app-clinic-watch', clinicWatch);
start('app-live-section', liveSection);
