'use strict';
// A client of the notifications hub with the real @microsoft/signalr, as a web or Node app would use it: the access
// token or job ticket comes from accessTokenFactory (sent as "Authorization: Bearer" on negotiation and messages, and
// as the access_token query parameter or header on the transport, as the library decides). Driven by the C# tests:
//   node signalr-client.js '{"url": "http://127.0.0.1:5000/hubs/notifications", "token": "...",
//                            "transport": "WebSockets" | "ServerSentEvents" (optional), "skipNegotiation": false}'
// stdout, one JSON line each: {"type": "ready"} at once, then {"type": "start", "connected": true} or
// {"type": "start", "connected": false, "message"} (refused), then {"type": "outcome", "outcome": {...}} for every
// "outcome" event, and {"type": "closed", "error"} when the connection ends.
// stdin: {"stop": true} stops the connection; end of stdin stops it and exits.
const readline = require('readline');
const signalR = require('@microsoft/signalr');

const config = JSON.parse(process.argv[2]);

function say(type, fields) {
  process.stdout.write(JSON.stringify({ type, ...fields }) + '\n');
}

const options = {};
if (config.token) options.accessTokenFactory = () => config.token;
if (config.transport) options.transport = signalR.HttpTransportType[config.transport];
if (config.skipNegotiation) options.skipNegotiation = true;

const connection = new signalR.HubConnectionBuilder()
  .withUrl(config.url, options)
  // Warnings and errors go to stderr, which the tests show when a step fails.
  .configureLogging({ log: (level, message) => { if (level >= signalR.LogLevel.Warning) process.stderr.write(message + '\n'); } })
  .build();

connection.on('outcome', outcome => say('outcome', { outcome }));
connection.onclose(error => say('closed', { error: error ? error.message : null }));

async function stop() {
  try {
    await connection.stop();
  } catch (error) {
    say('error', { message: error.stack || String(error) });
  }
}

const input = readline.createInterface({ input: process.stdin });
input.on('line', line => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  if (command.stop) stop();
  else say('error', { message: 'unknown command ' + line });
});
input.on('close', async () => {
  await stop();
  process.exit(0);
});

say('ready', {});
connection.start().then(
  () => say('start', { connected: true }),
  error => say('start', { connected: false, message: error.message }));
