// A real Bayeux (CometD) server for the runtime's event tests: faye's NodeAdapter on
// 127.0.0.1, plus a side door the Rust tests drive it through.
//
//   node tests/bayeux/server.js [--port N] [--mount /notifications] [--timeout SECONDS]
//
// Prints one JSON line, {"port": N}, once it listens (--port 0 = any free port). Exits when
// its stdin closes, so a test process that dies takes the server with it.
//
// Side door (every path outside the mount):
//   POST /publish       {"channel", "data"}                 publish one message
//   POST /publish-many  {"channel", "count", "start"?}      publish data {"n": start..start+count} in order
//   GET  /stats         {"handshakes", "connects", "subscribes": {channel: count}}
//   GET  /recorded      the auth headers of every Bayeux message received, in order
//   GET  /api/v2/me     a CSRF token source: sets a session cookie and the CSRF headers
//                       (the shape BasicCsrfAuth expects)
//   POST /then          {"operationName", "channel", "data"}: when a call operation of that
//                       name arrives, publish this message after answering it
//   POST /api/v2/me/calls/{id}   a GWS call operation ({"operationName": …}): answered
//                       {"statusCode": 0} ("accepted"), then what /then queued is published
//   GET  /operations    the call operations received, in order
'use strict';

const http = require('http');
const faye = require('faye');

function option(name, fallback) {
  const at = process.argv.indexOf('--' + name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const port = Number(option('port', '0'));
const mount = option('mount', '/notifications');
const timeout = Number(option('timeout', '2'));

const SESSION_COOKIE = 'GWSSESSION=cookie-S3CR3T-6';
const CSRF_TOKEN = 'csrf-S3CR3T-7';

const stats = { handshakes: 0, connects: 0, subscribes: {} };
const recorded = [];
const operations = [];
const queued = [];

const bayeux = new faye.NodeAdapter({ mount, timeout });

bayeux.addExtension({
  // Three arguments: faye then passes the HTTP request the message came in.
  incoming(message, request, callback) {
    // The side door's own in-process client has no HTTP request: not counted.
    if (!request || !request.headers) return callback(message);
    const headers = request.headers;
    recorded.push({
      channel: message.channel,
      authorization: headers.authorization || null,
      cookie: headers.cookie || null,
      csrf: headers['x-csrf-token'] || null,
      contentType: headers['content-type'] || null,
    });
    if (message.channel === '/meta/handshake') stats.handshakes += 1;
    if (message.channel === '/meta/connect') stats.connects += 1;
    callback(message);
  },
});

bayeux.on('subscribe', (clientId, channel) => {
  stats.subscribes[channel] = (stats.subscribes[channel] || 0) + 1;
});

function readJson(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function answer(response, status, body, headers) {
  const text = JSON.stringify(body);
  response.writeHead(status, Object.assign({ 'Content-Type': 'application/json' }, headers || {}));
  response.end(text);
}

async function publishMany(channel, start, count) {
  const client = bayeux.getClient();
  // One after the other: each publication is accepted before the next is sent, so the
  // subscriber's queue receives them in order.
  for (let n = start; n < start + count; n += 1) {
    await client.publish(channel, { n });
  }
}

async function sideDoor(request, response) {
  const path = request.url.split('?')[0];
  try {
    if (request.method === 'POST' && path === '/publish') {
      const { channel, data } = await readJson(request);
      await bayeux.getClient().publish(channel, data);
      return answer(response, 200, { published: 1 });
    }
    if (request.method === 'POST' && path === '/publish-many') {
      const { channel, count, start } = await readJson(request);
      await publishMany(channel, start || 0, count);
      return answer(response, 200, { published: count });
    }
    if (request.method === 'POST' && path === '/then') {
      queued.push(await readJson(request));
      return answer(response, 200, { queued: queued.length });
    }
    if (request.method === 'GET' && path === '/operations') return answer(response, 200, operations);
    const call = path.match(/^\/api\/v2\/me\/calls\/([^/]+)$/);
    if (request.method === 'POST' && call) {
      const operation = await readJson(request);
      operations.push({ call: decodeURIComponent(call[1]), body: operation });
      answer(response, 200, { statusCode: 0 });
      // The outcome arrives later, over CometD, as GWS documents.
      for (let i = 0; i < queued.length; ) {
        if (queued[i].operationName === operation.operationName) {
          const [then] = queued.splice(i, 1);
          await bayeux.getClient().publish(then.channel, then.data);
        } else {
          i += 1;
        }
      }
      return undefined;
    }
    if (request.method === 'GET' && path === '/stats') return answer(response, 200, stats);
    if (request.method === 'GET' && path === '/recorded') return answer(response, 200, recorded);
    if (request.method === 'GET' && path === '/api/v2/me') {
      return answer(response, 200, { user: 'agent' }, {
        'Set-Cookie': SESSION_COOKIE + '; Path=/; HttpOnly',
        'X-CSRF-HEADER': 'X-CSRF-TOKEN',
        'X-CSRF-TOKEN': CSRF_TOKEN,
      });
    }
    return answer(response, 404, { error: 'no such side door: ' + path });
  } catch (error) {
    return answer(response, 500, { error: String(error) });
  }
}

const server = http.createServer(sideDoor);
bayeux.attach(server);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
