// The original messages server (socket.io@4) and its browser side (socket.io-client@4), for the Socket.IO bridge
// tests. Config (argv[2], JSON):
//   port     listen on 127.0.0.1:port; 0 = any free port (kept across restarts)
//   rooms    rooms to run a client in from the start (one socket.io-client per room, as one browser per user)
//   token    when set, the server admits only sockets whose handshake auth.token equals it (connect_error otherwise)
// The server does what the original did: on joinRoom(room) the socket joins the room; on Profile {Id, Message,
// Status} it emits Profile_Response {Message, Status} to room Id. So that no test loses an outcome to a room whose
// client has not (re)joined yet, a socket that is not one of the room clients here is admitted only once every room
// client has joined, in each run of the server (a "generation").
// Lines out (JSON): ready {port}, joined {room, generation}, admitted/refused/disconnected {generation, reason},
// profile {generation, payload} (what the server received), response {room, message, status} (what a client got),
// stopped/started {generation, port}, error {message}.
// Lines in (JSON): {"join": room}, {"stop": true}, {"start": true}. The script exits when stdin ends.
"use strict";

const http = require("http");
const readline = require("readline");
const { Server } = require("socket.io");
const { io: connect } = require("socket.io-client");

const config = JSON.parse(process.argv[2] || "{}");
let port = config.port || 0;
let generation = 0;
let io = null;
let httpServer = null;
const clients = new Map();
let joinWaiters = [];

const say = (line) => process.stdout.write(JSON.stringify(line) + "\n");

process.on("uncaughtException", (error) => {
  say({ type: "error", message: String(error && error.stack || error) });
  process.exit(1);
});

function everyRoomJoined() {
  if (!io) {
    return false;
  }
  for (const room of clients.keys()) {
    const members = io.sockets.adapter.rooms.get(room);
    if (!members || members.size === 0) {
      return false;
    }
  }
  return true;
}

function whenEveryRoomJoined() {
  return everyRoomJoined() ? Promise.resolve() : new Promise((resolve) => joinWaiters.push(resolve));
}

function checkJoinWaiters() {
  if (everyRoomJoined()) {
    const waiters = joinWaiters;
    joinWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

function start() {
  return new Promise((resolve, reject) => {
    generation += 1;
    const current = generation;
    httpServer = http.createServer();
    io = new Server(httpServer, { pingInterval: config.pingInterval || 25000, pingTimeout: config.pingTimeout || 20000 });

    io.use((socket, next) => {
      const auth = socket.handshake.auth || {};
      if (config.token !== undefined && auth.token !== config.token) {
        say({ type: "refused", generation: current });
        next(new Error("unauthorized"));
        return;
      }
      if (auth.roomClient === true) {
        next();
        return;
      }
      whenEveryRoomJoined().then(() => next());
    });

    io.on("connection", (socket) => {
      const roomClient = (socket.handshake.auth || {}).roomClient === true;
      if (!roomClient) {
        say({ type: "admitted", generation: current });
      }

      socket.on("joinRoom", (room) => {
        socket.join(room);
        say({ type: "joined", room, generation: current });
        checkJoinWaiters();
      });

      socket.on("Profile", (data) => {
        say({ type: "profile", generation: current, payload: data === undefined ? null : data });
        if (data && typeof data.Id === "string") {
          io.to(data.Id).emit("Profile_Response", { Message: data.Message, Status: data.Status });
        }
      });

      socket.on("disconnect", (reason) => {
        if (!roomClient) {
          say({ type: "disconnected", generation: current, reason });
        }
      });
    });

    httpServer.once("error", reject);
    httpServer.listen(port, "127.0.0.1", () => {
      port = httpServer.address().port;
      resolve();
    });
  });
}

function stop() {
  return new Promise((resolve) => {
    const closing = io;
    const server = httpServer;
    io = null;
    httpServer = null;
    closing.close(() => resolve());
    // Polling clients keep HTTP connections alive; the port must be free for a restart.
    server.closeAllConnections();
  });
}

function addClient(room) {
  if (clients.has(room)) {
    return;
  }
  const socket = connect(`http://127.0.0.1:${port}`, {
    forceNew: true,
    auth: config.token === undefined ? { roomClient: true } : { roomClient: true, token: config.token },
    // The browser's defaults (1 s to 5 s) would only slow the restart tests down.
    reconnectionDelay: 50,
    reconnectionDelayMax: 250,
  });
  // Join again on every connection, as a page does: a restarted server has forgotten its rooms.
  socket.on("connect", () => socket.emit("joinRoom", room));
  socket.on("Profile_Response", (data) => {
    say({
      type: "response",
      room,
      message: data && data.Message !== undefined ? data.Message : null,
      status: data && data.Status !== undefined ? data.Status : null,
    });
  });
  clients.set(room, socket);
}

async function main() {
  await start();
  (config.rooms || []).forEach(addClient);
  await whenEveryRoomJoined();
  say({ type: "ready", port });

  const input = readline.createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  input.on("line", (text) => {
    if (!text.trim()) {
      return;
    }
    const command = JSON.parse(text);
    // One command at a time, in order: a restart right after a stop must find the port free.
    queue = queue.then(async () => {
      if (command.join !== undefined) {
        addClient(command.join);
      } else if (command.stop) {
        const stopped = generation;
        await stop();
        say({ type: "stopped", generation: stopped });
      } else if (command.start) {
        await start();
        say({ type: "started", generation, port });
      } else {
        say({ type: "error", message: `unknown command ${text}` });
      }
    }).catch((error) => say({ type: "error", message: String(error && error.stack || error) }));
  });
  input.on("close", () => {
    queue.then(async () => {
      clients.forEach((socket) => socket.close());
      if (io) {
        await stop();
      }
      process.exit(0);
    });
  });
}

main().catch((error) => {
  say({ type: "error", message: String(error && error.stack || error) });
  process.exit(1);
});
