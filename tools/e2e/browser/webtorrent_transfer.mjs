// End-to-end test: two headless Chromium browsers transfer a file with
// WebTorrent (WebRTC data channels) through `aquatic ws`.
//
// Steps: start aquatic ws (over TLS with a self-signed certificate for wss),
// serve page.html, page.mjs, WebTorrent's browser bundle and a random payload
// from a loopback HTTP server, launch two separate Chromium instances, let the
// first seed the payload with only our tracker as announce URL, wait for the
// tracker's reply, then let the second download it by a magnet URI that
// names nothing but the info hash and our tracker, and compare the SHA-256 of
// what the second browser got with the payload's. Exit 0 on success, 1 on a
// failed transfer, 2 on a usage or setup error. Every wait is bounded;
// browsers, tracker and HTTP server are always stopped at the end.
//
// With --private, aquatic is a private tracker: the driver adds
// `[private] mode = "keys"`, the management API on a free loopback port with
// a random token, SQLite storage in the temporary folder (flush_interval = 1)
// and the Prometheus endpoint to its file, makes one key for each browser
// through the API (POST /api/v1/key/0) once the tracker answers, and each
// browser's tracker URL is ws(s)://HOST:PORT/KEY with its own key. Besides
// the transfer it checks that:
//   - a third WebTorrent client (in the leecher's page, while the seeder is
//     in the swarm) whose URL carries a well-formed key that the tracker
//     never made gets the failure reason "private tracker: unknown key", no
//     tracker reply and no peer, and that the tracker counts it as
//     key_unknown on /metrics; no announce of the run counts as key_missing;
//   - after the transfer, GET /api/v1/key/KEY/stats shows downloaded > 0 or
//     completed == 1 for the leecher's key and uploaded > 0 for the seeder's
//     (both pages re-announce every 2 s, for up to 15 s), neither above what
//     WebTorrent itself counted, each listing this torrent only.
// A refusal of a browser's own key fails the test at once; --wrong-key
// seeder|leecher|both gives that browser an unknown key instead, and the
// test must then fail (exit 1).
//
// Only loopback is used. Chromium gathers no ICE candidate on loopback unless
// it is told to (--allow-loopback-in-peer-connection) and the page may see
// every local address, which Chromium allows only to pages that hold the
// camera or microphone permission: the driver grants both. Run it inside a
// network namespace with nothing but loopback (tools/e2e/browser_transfer_test.sh
// does) to be sure nothing else is reached.
//
// Usage:
//   node webtorrent_transfer.mjs --aquatic-bin=PATH --npm-dir=DIR
//       [--scheme=ws|wss] [--family=ipv4|ipv6] [--chromium=PATH]
//       [--size-kib=N] [--timeout=S] [--ready-timeout=S] [--combined]
//       [--private [--wrong-key=seeder|leecher|both]] [--keep-tmp] [--verbose]
// DIR holds node_modules with the packages of package.json beside this file.

import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const EXIT_OK = 0
const EXIT_FAIL = 1
const EXIT_SETUP = 2

const START = performance.now()
const HERE = path.dirname(fileURLToPath(import.meta.url))

function log (msg) {
  const seconds = ((performance.now() - START) / 1000).toFixed(2).padStart(6)
  process.stdout.write(`[e2e ${seconds}s] ${msg}\n`)
}

// The harness could not set up the experiment (exit 2).
class SetupError extends Error {}
// The transfer through the tracker failed (exit 1).
class TransferError extends Error {}

// Resolves as `promise` does, or rejects with TransferError(`message`) after
// `ms`. The promise itself is not cancelled: its later rejection (the page
// closing under it, say) is swallowed here so it cannot crash the process.
function withDeadline (promise, ms, message) {
  promise.catch(() => {})
  let timer
  const expired = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new TransferError(message)), Math.max(ms, 0))
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// What to undo at the end: asynchronous steps, run last first, and quick
// synchronous kills that a signal handler runs before them.
class Cleanup {
  constructor () {
    this.steps = []
    this.kills = []
  }

  add (step) { this.steps.push(step) }
  addKill (kill) { this.kills.push(kill) }
  killAll () { this.kills.forEach((kill) => kill()) }

  async run () {
    while (this.steps.length) {
      try {
        await this.steps.pop()()
      } catch (err) {
        log(`cleanup: ${err.message}`)
      }
    }
  }
}

function sha256Hex (buffer) {
  return createHash('sha256').update(buffer).digest('hex')
}

// --------------------------------------------------------------------------
// Arguments

function parseArguments (argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'aquatic-bin': { type: 'string' },
      'npm-dir': { type: 'string' },
      // The browser itself, not Debian's /usr/bin/chromium launcher script:
      // that one sources /etc/chromium.d (API keys for Google's services,
      // extension flags) and runs findmnt, none of which this test wants.
      chromium: { type: 'string', default: '/usr/lib/chromium/chromium' },
      scheme: { type: 'string', default: 'ws' },
      family: { type: 'string', default: 'ipv4' },
      'size-kib': { type: 'string', default: '512' },
      timeout: { type: 'string', default: '60' },
      'ready-timeout': { type: 'string', default: '15' },
      'keep-tmp': { type: 'boolean', default: false },
      // Serve through `aquatic run` (UDP and WebTorrent in one process).
      combined: { type: 'boolean', default: false },
      // A private tracker: one key per browser (see the top of this file).
      private: { type: 'boolean', default: false },
      // With --private: these browsers announce with keys the tracker never made.
      'wrong-key': { type: 'string' },
      verbose: { type: 'boolean', default: false }
    }
  })
  const usage = (msg) => { throw new SetupError(`usage: ${msg}`) }
  if (!values['aquatic-bin']) usage('--aquatic-bin is required')
  if (!values['npm-dir']) usage('--npm-dir is required')
  if (!['ws', 'wss'].includes(values.scheme)) usage('--scheme is ws or wss')
  if (!['ipv4', 'ipv6'].includes(values.family)) usage('--family is ipv4 or ipv6')
  if (values['wrong-key'] !== undefined) {
    if (!values.private) usage('--wrong-key needs --private')
    if (!['seeder', 'leecher', 'both'].includes(values['wrong-key'])) {
      usage('--wrong-key is seeder, leecher or both')
    }
  }
  const number = (name) => {
    const n = Number(values[name])
    if (!Number.isFinite(n) || n <= 0) usage(`--${name} must be a positive number`)
    return n
  }
  return {
    aquaticBin: path.resolve(values['aquatic-bin']),
    npmDir: path.resolve(values['npm-dir']),
    chromium: values.chromium,
    scheme: values.scheme,
    family: values.family,
    sizeKib: Math.floor(number('size-kib')),
    timeoutMs: number('timeout') * 1000,
    readyTimeoutMs: number('ready-timeout') * 1000,
    keepTmp: values['keep-tmp'],
    combined: values.combined,
    private: values.private,
    wrongKey: values['wrong-key'] ?? null,
    verbose: values.verbose
  }
}

// --------------------------------------------------------------------------
// Tracker

// A TCP port free on both 127.0.0.1 and ::1: aquatic listens on both families
// at once, whichever one the browsers use.
async function pickPort (first) {
  let lastError = null
  const listen = (host, port) => new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', (err) => {
      lastError = `${host}: ${err.message}`
      resolve(null)
    })
    server.listen({ host, port, exclusive: true }, () => {
      const got = server.address().port
      server.close(() => resolve(got))
    })
  })
  const hosts = first === '::1' ? ['::1', '127.0.0.1'] : ['127.0.0.1', '::1']
  for (let i = 0; i < 50; i++) {
    const port = await listen(hosts[0], 0)
    if (port !== null && await listen(hosts[1], port) === port) return port
  }
  throw new SetupError(`no TCP port free on both 127.0.0.1 and ::1 (last error: ${lastError})`)
}

function makeCertificate (dir) {
  const cert = path.join(dir, 'cert.pem')
  const key = path.join(dir, 'key.pem')
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
    '-keyout', key, '-out', cert
  ], { encoding: 'utf8', timeout: 60_000 })
  if (r.error) throw new SetupError(`openssl failed: ${r.error.message}`)
  if (r.status !== 0) throw new SetupError(`openssl failed: ${r.stdout}${r.stderr}`)
  return { cert, key }
}

// `aquatic ws`'s file; with `combined`, `aquatic run`'s file serving UDP on
// the same port number beside WebTorrent (one process, one runtime); with
// `priv` (a PrivateTracker), the tables of a private tracker.
function writeAquaticConfig (file, port, tls, combined, priv) {
  const addresses = [
    `address_ipv4 = "127.0.0.1:${port}"`,
    `address_ipv6 = "[::1]:${port}"`,
    'use_ipv4 = true',
    'use_ipv6 = true'
  ]
  const network = [
    ...addresses,
    // The readiness probe: an HTTP answer proves more than an open port.
    'enable_http_health_checks = true',
    ...(tls
      ? ['enable_tls = true', `tls_certificate_path = "${tls.cert}"`,
          `tls_private_key_path = "${tls.key}"`]
      : [])
  ]
  const lines = [
    'socket_workers = 1',
    'log_level = "info"',
    '[access_list]',
    'mode = "off"',
    ...(combined
      ? ['[udp]', 'enabled = true', '[udp.network]', ...addresses,
          '[ws]', 'enabled = true', '[ws.network]', ...network]
      : ['[network]', ...network]),
    ...(priv ? priv.configLines() : []),
    ''
  ]
  writeFileSync(file, lines.join('\n'))
}

// --------------------------------------------------------------------------
// Private tracker (--private): keys, their stats, refusal counters

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

// A well-formed key (32 letters and digits) that no tracker made.
function randomKey () {
  return Array.from(randomBytes(32), (b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('')
}

// One plain HTTP request to 127.0.0.1; resolves with { status, body, json }
// (status null when no answer came), never rejects.
function localRequest (port, method, pathName, token) {
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method,
      path: pathName,
      timeout: 5000,
      agent: false,
      headers: token ? { Authorization: `Bearer ${token}` } : {}
    }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        let json = null
        try { json = JSON.parse(body) } catch {}
        resolve({ status: res.statusCode, body, json })
      })
      res.on('error', (err) => resolve({ status: null, body: err.message, json: null }))
    })
    request.once('timeout', () => request.destroy(new Error('no answer in 5 s')))
    request.once('error', (err) => resolve({ status: null, body: err.message, json: null }))
    request.end()
  })
}

// aquatic's private mode as the driver uses it: its tables in aquatic's
// file, its management API (keys and their stats) and the refusal counters
// of its Prometheus endpoint.
class PrivateTracker {
  constructor (dir) {
    this.token = `e2e-${randomBytes(16).toString('hex')}`
    this.dbPath = path.join(dir, 'aquatic.sqlite3')
    this.apiPort = this.metricsPort = 0
  }

  // Free TCP ports for the API and /metrics, other than the tracker's.
  async pickPorts (taken) {
    const ports = []
    while (ports.length < 2) {
      const port = await pickPort('127.0.0.1')
      if (port !== taken && !ports.includes(port)) ports.push(port)
    }
    [this.apiPort, this.metricsPort] = ports
  }

  configLines () {
    return [
      '[private]',
      'mode = "keys"',
      '[api]',
      'enabled = true',
      `address = "127.0.0.1:${this.apiPort}"`,
      `access_tokens = ["${this.token}"]`,
      // Per-key transfers are kept by the storage, written every second.
      '[storage]',
      'backend = "sqlite"',
      `path = "${this.dbPath}"`,
      'flush_interval = 1',
      // Refusals by reason (aquatic_refused_requests_total).
      '[statistics]',
      'run_prometheus_endpoint = true',
      `prometheus_endpoint_address = "127.0.0.1:${this.metricsPort}"`
    ]
  }

  api (method, pathName) {
    return localRequest(this.apiPort, method, pathName, this.token)
  }

  // A new key that never expires, made by the tracker. The API starts with
  // the tracker, after the WebSocket port answers: retried for up to `ms`.
  async createKey (ms) {
    const deadline = performance.now() + ms
    for (;;) {
      const r = await this.api('POST', '/api/v1/key/0')
      if (r.status === 200 && /^[A-Za-z0-9]{32}$/.test(r.json?.key ?? '') &&
          r.json.valid_until === null) {
        return r.json.key
      }
      if (r.status !== null || performance.now() > deadline) {
        throw new SetupError(`POST /api/v1/key/0 answered ${r.status ? 'HTTP ' + r.status : 'nothing'}: ${r.body}`)
      }
      await sleep(100)
    }
  }

  // A well-formed key that the tracker does not know (its API says so).
  async unknownKey (known) {
    let key = randomKey()
    while (known.includes(key)) key = randomKey()
    const r = await this.api('GET', `/api/v1/key/${key}/stats`)
    if (r.status !== 404) {
      throw new SetupError(`GET /api/v1/key/${key}/stats of a key never made answered ` +
        `HTTP ${r.status} (expected 404): ${r.body}`)
    }
    return key
  }

  async keyStats (key) {
    const r = await this.api('GET', `/api/v1/key/${key}/stats`)
    if (r.status !== 200 || typeof r.json !== 'object' || r.json === null) {
      throw new TransferError(`GET /api/v1/key/${key}/stats answered HTTP ${r.status}: ${r.body}`)
    }
    return r.json
  }

  // Map "protocol/reason" -> count of aquatic_refused_requests_total.
  async refusals () {
    const r = await localRequest(this.metricsPort, 'GET', '/metrics', null)
    if (r.status !== 200) {
      throw new TransferError(`GET /metrics answered HTTP ${r.status}: ${r.body.slice(0, 300)}`)
    }
    const counts = new Map()
    const re = /^aquatic_refused_requests_total\{protocol="(\w+)",reason="(\w+)"\} ([0-9.eE+]+)\s*$/gm
    for (const m of r.body.matchAll(re)) counts.set(`${m[1]}/${m[2]}`, Math.trunc(Number(m[3])))
    if (counts.size === 0) throw new TransferError('GET /metrics has no aquatic_refused_requests_total')
    return counts
  }
}

// A key's stats without the per-torrent list, for the log.
function briefStats (stats) {
  return ['revoked', 'valid_until', 'uploaded', 'downloaded', 'completed']
    .map((k) => `${k}=${stats[k]}`).join(', ') + `, ${(stats.torrents ?? []).length} torrent(s)`
}

// The tracker process, run in `cwd` (a file it writes by a relative path,
// like aquatic's default SQLite database aquatic.sqlite3, lands there).
class Tracker {
  constructor (argv, logPath, cwd) {
    this.argv = argv
    this.logPath = logPath
    this.cwd = cwd
    this.proc = null
    this.exitCode = null // set once the process has exited (signal: 128 + n)
  }

  start () {
    log(`tracker: ${this.argv.join(' ')}`)
    const fd = openSync(this.logPath, 'a')
    try {
      this.proc = spawn(this.argv[0], this.argv.slice(1), { stdio: ['ignore', fd, fd], cwd: this.cwd })
    } finally {
      closeSync(fd) // the child has its own copy
    }
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exitCode = code ?? 128 + os.constants.signals[signal]
        resolve()
      })
      this.proc.once('error', (err) => {
        log(`tracker: cannot start ${this.argv[0]}: ${err.message}`)
        this.exitCode = 127
        resolve()
      })
    })
  }

  get running () { return this.proc !== null && this.exitCode === null }

  // SIGTERM (aquatic shuts down cleanly on it), SIGKILL after 5 s.
  async stop () {
    if (!this.running) return
    this.proc.kill('SIGTERM')
    if (await Promise.race([this.exited.then(() => true), sleep(5000)])) return
    log('tracker: still running 5 s after SIGTERM, sending SIGKILL')
    this.proc.kill('SIGKILL')
    await this.exited
  }

  outputTail (lines = 40) {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines - 1).join('\n').trim()
    } catch {
      return ''
    }
  }
}

// One GET /health; resolves true on HTTP 200.
function healthy (host, port, tls) {
  return new Promise((resolve) => {
    const request = (tls ? https : http).get({
      host,
      port,
      path: '/health',
      timeout: 1000,
      rejectUnauthorized: false, // our own self-signed certificate
      agent: false
    }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    request.once('timeout', () => request.destroy())
    request.once('error', () => resolve(false))
  })
}

// Polls GET /health until it answers, the tracker exits or time runs out.
// Returns null when ready, else what went wrong.
async function waitReady (tracker, host, port, tls, timeoutMs) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (!tracker.running) return `exited with code ${tracker.exitCode}`
    if (await healthy(host, port, tls)) return null
    await sleep(100)
  }
  return `not answering GET /health on ${host} port ${port} after ${timeoutMs / 1000} s`
}

// --------------------------------------------------------------------------
// The pages' HTTP server

// Serves the page, its script, WebTorrent's browser bundle and the payload on
// 127.0.0.1 (an origin browsers treat as secure, as crypto.subtle needs).
async function startPageServer (npmDir, payload) {
  const require = createRequire(path.join(npmDir, 'package.json'))
  let bundle
  try {
    // webtorrent 2.x ships its browser build as one ES module.
    bundle = readFileSync(require.resolve('webtorrent/dist/webtorrent.min.js'))
  } catch (err) {
    throw new SetupError(`WebTorrent's browser bundle is missing under ${npmDir}: ${err.message}`)
  }
  const js = 'text/javascript; charset=utf-8' // module scripts need a JavaScript MIME type
  const routes = new Map([
    ['/', ['text/html; charset=utf-8', readFileSync(path.join(HERE, 'page.html'))]],
    ['/page.mjs', [js, readFileSync(path.join(HERE, 'page.mjs'))]],
    ['/webtorrent.min.js', [js, bundle]],
    ['/payload.bin', ['application/octet-stream', payload]]
  ])
  const server = http.createServer((req, res) => {
    const route = req.method === 'GET' && routes.get(new URL(req.url, 'http://x').pathname)
    if (!route) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {
      'Content-Type': route[0],
      'Content-Length': route[1].length,
      'Cache-Control': 'no-store'
    }).end(route[1])
  })
  await new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new SetupError(`page server: ${err.message}`)))
    server.listen({ host: '127.0.0.1', port: 0 }, resolve)
  })
  return server
}

// --------------------------------------------------------------------------
// Browsers

// Added to puppeteer's defaults, which already include
// --disable-background-networking, --disable-dev-shm-usage, --no-first-run
// and --disable-extensions.
function chromiumArgs (opts) {
  const args = [
    '--no-sandbox', // we run as root, where Chromium's sandbox refuses to start
    '--disable-gpu',
    '--disable-component-update',
    // WebRTC over loopback (see the top of this file). Without this flag the
    // transfer never starts, whatever else is set.
    '--allow-loopback-in-peer-connection',
    // Camera and microphone granted without a prompt and without devices.
    // This alone, or the DevTools permission grant in Browser.launch alone,
    // is enough for Chromium to offer loopback candidates; both are set so
    // that a change in one does not break the test.
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    // Real addresses in host candidates, not random mDNS names that only an
    // mDNS responder could resolve. Pages holding the media permission get
    // real addresses already; this keeps it so without that rule.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    // No DNS: background services would still try to resolve Google's hosts.
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost , EXCLUDE ::1'
  ]
  if (opts.scheme === 'wss') args.push('--ignore-certificate-errors') // our test certificate
  return args
}

class Browser {
  constructor (name) {
    this.name = name
    this.browser = null
    this.page = null
  }

  // `scratch`: a folder of its own for the profile and anything else the
  // browser writes (it is also the browser's HOME: Chromium keeps its NSS
  // database and caches there, outside the profile).
  async launch (puppeteer, opts, scratch, origin) {
    if (!existsSync(opts.chromium)) {
      throw new SetupError(`${opts.chromium} is missing: tools/setup.sh installs Debian's chromium`)
    }
    try {
      this.browser = await puppeteer.launch({
        executablePath: opts.chromium,
        headless: true, // Chromium's --headless=new: the full browser, no window
        pipe: true, // the DevTools protocol over a pipe: no debugging port to open
        userDataDir: path.join(scratch, 'profile'),
        env: {
          ...process.env,
          HOME: scratch,
          XDG_CONFIG_HOME: path.join(scratch, '.config'),
          XDG_CACHE_HOME: path.join(scratch, '.cache')
        },
        args: chromiumArgs(opts),
        dumpio: opts.verbose,
        timeout: 30_000,
        // seed() and download() wait inside one DevTools call each, for up to
        // the transfer's own deadline (withDeadline): never cut them short.
        protocolTimeout: opts.timeoutMs + 30_000,
        // The driver stops the browsers itself, also on signals (see main).
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false
      })
    } catch (err) {
      throw new SetupError(`${this.name}: cannot launch ${opts.chromium}: ${err.message}`)
    }
    await this.browser.defaultBrowserContext().setPermission(origin,
      { permission: { name: 'camera' }, state: 'granted' },
      { permission: { name: 'microphone' }, state: 'granted' })
    this.page = (await this.browser.pages())[0] ?? await this.browser.newPage()
    // --verbose turns on the `debug` module's output, which styles its parts
    // with %c directives and a CSS argument each: drop both.
    this.page.on('console', (msg) => log(`${this.name}: ${
      msg.text().replace(/%c/g, '').replace(/ ?color: (#[0-9a-f]{6}|inherit)/gi, '')}`))
    this.page.on('pageerror', (err) => log(`${this.name}: page error: ${err.message}`))
    this.page.on('requestfailed', (req) =>
      log(`${this.name}: request failed: ${req.url()} (${req.failure()?.errorText})`))
    if (opts.verbose) {
      // The `debug` module inside WebTorrent's bundle reads this on load.
      await this.page.evaluateOnNewDocument(() => {
        localStorage.debug = 'webtorrent*,bittorrent-tracker*,simple-peer*'
      })
    }
    const response = await this.page.goto(`${origin}/`, { waitUntil: 'load', timeout: 15_000 })
    if (!response?.ok()) throw new SetupError(`${this.name}: GET ${origin}/ failed`)
    try {
      await this.page.waitForFunction(() => window.e2e !== undefined, { timeout: 15_000 })
    } catch {
      throw new SetupError(`${this.name}: page.mjs did not load (see the page errors above)`)
    }
    log(`${this.name}: ${await this.browser.version()} ready`)
  }

  // The page's torrents, for a failure report; bounded, never throws.
  async status () {
    if (!this.page) return 'not started'
    try {
      const status = this.page.evaluate(() => window.e2e.status())
      return JSON.stringify(await withDeadline(status, 2000, 'no answer in 2 s'))
    } catch (err) {
      return `unavailable (${err.message})`
    }
  }

  // Closes the browser; kills it if that does not work within 5 s.
  async close () {
    if (!this.browser) return
    const browser = this.browser
    this.browser = this.page = null
    try {
      await withDeadline(browser.close(), 5000, 'timeout')
    } catch {
      browser.process()?.kill('SIGKILL')
    }
  }

  // For signal handlers: synchronous, no protocol round trip.
  kill () {
    this.browser?.process()?.kill('SIGKILL')
  }
}

function loadPuppeteer (npmDir) {
  try {
    return createRequire(path.join(npmDir, 'package.json'))('puppeteer-core')
  } catch (err) {
    throw new SetupError(`cannot load puppeteer-core from ${npmDir}: ${err.message}`)
  }
}

// --------------------------------------------------------------------------
// The test

// The wrong-key client (page.mjs's probe) in the leecher's page, while the
// seeder is in the swarm: refused with "unknown key", and nothing else.
async function checkWrongKey (leecher, priv, infoHash, remaining) {
  const magnet = `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(priv.wrongUrl)}`
  log(`wrong-key: ${priv.wrongUrl} (must be refused)`)
  let probe
  try {
    probe = await withDeadline(
      leecher.page.evaluate((uri) => window.e2e.probe(uri, 10_000), magnet),
      Math.min(remaining(), 20_000), 'no answer in time')
  } catch (err) {
    throw new TransferError(`wrong-key: ${err.message}`)
  }
  const refusal = probe.warnings.find((w) => w.includes('unknown key'))
  if (!refusal) {
    throw new TransferError(`the client announcing ${priv.wrongUrl} (a key the tracker never ` +
      `made) got no "unknown key" within 10 s: ${JSON.stringify(probe)}`)
  }
  if (probe.replies || probe.wires || probe.numPeers) {
    throw new TransferError(`the client with a key the tracker never made got tracker replies ` +
      `or peers: ${JSON.stringify(probe)}`)
  }
  log(`wrong-key: refused ("${refusal}"); no tracker reply, no peer`)
}

// Polls both keys' stats until the leecher's shows downloaded > 0 or
// completed == 1 and the seeder's uploaded > 0, with both pages
// re-announcing every 2 s (WebTorrent reports its totals on each announce);
// 15 s at most. Then, against double counting: no key's totals above what
// WebTorrent counted, one completion at most, this torrent only.
async function checkKeyStats (seeder, leecher, priv, infoHash) {
  const start = performance.now()
  let nextReannounce = start
  let s, l
  for (;;) {
    s = await priv.tracker.keyStats(priv.seederKey)
    l = await priv.tracker.keyStats(priv.leecherKey)
    if ((l.downloaded > 0 || l.completed === 1) && s.uploaded > 0) break
    const now = performance.now()
    if (now - start > 15_000) {
      throw new TransferError('15 s after the transfer, the keys\' stats still miss it ' +
        '(leecher: downloaded > 0 or completed == 1; seeder: uploaded > 0): ' +
        `seeder key ${briefStats(s)}; leecher key ${briefStats(l)}`)
    }
    if (now >= nextReannounce) {
      nextReannounce = now + 2000
      for (const b of [seeder, leecher]) {
        await withDeadline(b.page.evaluate(() => window.e2e.reannounce()), 5000,
          `${b.name}: reannounce got no answer in 5 s`)
      }
    }
    await sleep(250)
  }
  const counted = async (b) => {
    const torrents = await withDeadline(b.page.evaluate(() => window.e2e.status()), 5000,
      `${b.name}: no status in 5 s`)
    return torrents.find((t) => t.infoHash === infoHash) ?? {}
  }
  const uploaded = (await counted(seeder)).uploaded ?? 0
  const downloaded = (await counted(leecher)).downloaded ?? 0
  log(`stats after ${((performance.now() - start) / 1000).toFixed(1)} s: seeder key ` +
    `${briefStats(s)}; leecher key ${briefStats(l)} (WebTorrent's totals: seeder uploaded ` +
    `${uploaded}, leecher downloaded ${downloaded})`)
  const problems = []
  if (s.uploaded > uploaded) problems.push(`the seeder's key uploaded ${s.uploaded} > the ${uploaded} bytes WebTorrent uploaded`)
  if (l.downloaded > downloaded) problems.push(`the leecher's key downloaded ${l.downloaded} > the ${downloaded} bytes WebTorrent downloaded`)
  if (l.completed > 1) problems.push(`the leecher's key completed ${l.completed} times`)
  for (const [role, stats] of [['seeder', s], ['leecher', l]]) {
    const hashes = (stats.torrents ?? []).map((t) => t.info_hash)
    if (JSON.stringify(hashes) !== JSON.stringify([infoHash])) {
      problems.push(`the ${role}'s key lists torrents ${JSON.stringify(hashes)}, expected [${infoHash}]`)
    }
  }
  if (problems.length) throw new TransferError(`the keys' stats are wrong: ${problems.join('; ')}`)
}

// The tracker's refusal counters: the wrong key counted as ws/key_unknown,
// and nothing of the run as key_missing (a key the tracker could not read).
async function checkRefusals (priv) {
  const counts = await priv.tracker.refusals()
  const nonZero = [...counts].filter(([, n]) => n > 0)
  log(`tracker: refusals ${nonZero.map(([k, n]) => `${k}=${n}`).join(', ') || 'none'}`)
  if (!(counts.get('ws/key_unknown') >= 1)) {
    throw new TransferError('aquatic_refused_requests_total{protocol="ws",reason="key_unknown"} ' +
      'is 0 after an announce with an unknown key')
  }
  const missing = nonZero.filter(([k]) => k.endsWith('/key_missing'))
  if (missing.length) {
    throw new TransferError(`the tracker found no valid key in announces of this run: ${JSON.stringify(missing)}`)
  }
}

// `urls`: each browser's tracker URL ({ seeder, leecher }; the same URL
// unless --private). `priv`: null, or the private tracker, the keys and the
// wrong-key URL.
async function transfer (opts, tmp, puppeteer, origin, urls, payload, browsers, priv) {
  const [seeder, leecher] = browsers
  // Both at once: each launch waits mostly on its own browser's start-up.
  // allSettled: a failed launch must not leave the other one starting
  // unseen (cleanup closes whatever did start).
  const launches = await Promise.allSettled(browsers.map((b) =>
    b.launch(puppeteer, opts, path.join(tmp, b.name), origin)))
  const failedLaunch = launches.find((result) => result.status === 'rejected')
  if (failedLaunch) throw failedLaunch.reason

  const deadline = performance.now() + opts.timeoutMs
  const remaining = () => deadline - performance.now()
  const timeoutReport = async (what) => {
    const lines = [`${what} within ${opts.timeoutMs / 1000} s of the seeder's start`]
    for (const b of browsers) lines.push(`${b.name} torrents: ${await b.status()}`)
    return lines.join('\n  ')
  }
  const expectOnlyOurTracker = (who, announce, trackerUrl) => {
    if (JSON.stringify(announce) !== JSON.stringify([trackerUrl])) {
      throw new TransferError(`${who} announces to ${JSON.stringify(announce)}, expected only ${trackerUrl}`)
    }
  }

  let seeded
  try {
    seeded = await withDeadline(
      seeder.page.evaluate((url) => window.e2e.seed(url), urls.seeder), remaining(), 'timeout')
  } catch (err) {
    if (!(err instanceof TransferError)) throw new TransferError(`seeder: ${err.message}`)
    throw new TransferError(await timeoutReport('the seeder got no tracker reply'))
  }
  expectOnlyOurTracker('the seeder', seeded.announce, urls.seeder)
  log(`seeder: seeding ${seeded.infoHash}, the tracker replied`)

  if (priv) await checkWrongKey(leecher, priv, seeded.infoHash, remaining)

  // Nothing but the info hash and our tracker: the metadata comes from the
  // seeder (ut_metadata), the seeder's address from the tracker.
  const magnet = `magnet:?xt=urn:btih:${seeded.infoHash}&tr=${encodeURIComponent(urls.leecher)}`
  log(`leecher: downloading ${magnet}`)
  const transferStart = performance.now()
  let got
  try {
    got = await withDeadline(
      leecher.page.evaluate((uri) => window.e2e.download(uri), magnet), remaining(), 'timeout')
  } catch (err) {
    if (!(err instanceof TransferError)) throw new TransferError(`leecher: ${err.message}`)
    throw new TransferError(await timeoutReport('the leecher did not complete the download'))
  }
  const elapsed = (performance.now() - transferStart) / 1000
  expectOnlyOurTracker('the leecher', got.announce, urls.leecher)

  const want = sha256Hex(payload)
  if (got.length !== payload.length || got.sha256 !== want) {
    throw new TransferError(`the leecher got ${got.length} bytes with SHA-256 ${got.sha256}, ` +
      `the seeder has ${payload.length} bytes with SHA-256 ${want}`)
  }
  if (priv) {
    await checkKeyStats(seeder, leecher, priv, seeded.infoHash)
    await checkRefusals(priv)
  }
  return elapsed
}

async function run (opts, cleanup) {
  const puppeteer = loadPuppeteer(opts.npmDir)
  const tmp = mkdtempSync(path.join(process.env.TEST_TMPDIR || os.tmpdir(), 'browser-e2e-'))
  cleanup.add(() => {
    if (opts.keepTmp) log(`kept ${tmp}`)
    else rmSync(tmp, { recursive: true, force: true })
  })

  const payload = randomBytes(opts.sizeKib * 1024)
  log(`payload: ${payload.length} bytes, sha256 ${sha256Hex(payload)}`)

  const host = opts.family === 'ipv6' ? '::1' : '127.0.0.1'
  const hostUrl = opts.family === 'ipv6' ? '[::1]' : '127.0.0.1'
  const tls = opts.scheme === 'wss' ? makeCertificate(tmp) : null

  // Outside a network namespace of its own, another process may take the
  // port between the probe and aquatic's bind: then try another port.
  let tracker = null
  let port
  const privateTracker = opts.private ? new PrivateTracker(tmp) : null
  cleanup.add(() => tracker?.stop())
  cleanup.addKill(() => tracker?.proc?.kill('SIGKILL'))
  for (let attempt = 1; ; attempt++) {
    port = await pickPort(host)
    await privateTracker?.pickPorts(port)
    const config = path.join(tmp, 'aquatic.toml')
    writeAquaticConfig(config, port, tls, opts.combined, privateTracker)
    tracker = new Tracker([opts.aquaticBin, opts.combined ? 'run' : 'ws', '-c', config],
      path.join(tmp, `tracker-${attempt}.log`), tmp)
    tracker.start()
    const problem = await waitReady(tracker, host, port, tls, opts.readyTimeoutMs)
    if (!problem) break
    const out = tracker.outputTail()
    await tracker.stop()
    if (!tracker.running && attempt < 3 && /in use/i.test(out)) {
      log(`tracker ${problem}:\n${out}\nretrying with another port`)
      continue
    }
    throw new SetupError(`tracker ${problem}${out ? ':\n' + out : ' (no output)'}`)
  }
  const trackerUrl = `${opts.scheme}://${hostUrl}:${port}`
  log(`tracker: ready at ${trackerUrl}`)
  let urls = { seeder: trackerUrl, leecher: trackerUrl }
  let priv = null
  if (privateTracker) {
    const keys = [await privateTracker.createKey(opts.readyTimeoutMs),
      await privateTracker.createKey(opts.readyTimeoutMs)]
    const wrong = await privateTracker.unknownKey(keys)
    log(`tracker: API on 127.0.0.1:${privateTracker.apiPort} made keys ${keys[0]} (seeder) ` +
      `and ${keys[1]} (leecher); ${wrong} is unknown to it`)
    for (const [i, role] of ['seeder', 'leecher'].entries()) {
      if ([role, 'both'].includes(opts.wrongKey)) {
        log(`--wrong-key: the ${role} announces with an unknown key`)
        keys[i] = await privateTracker.unknownKey([...keys, wrong])
      }
    }
    urls = { seeder: `${trackerUrl}/${keys[0]}`, leecher: `${trackerUrl}/${keys[1]}` }
    log(`announce: seeder ${urls.seeder}, leecher ${urls.leecher}`)
    priv = {
      tracker: privateTracker,
      seederKey: keys[0],
      leecherKey: keys[1],
      wrongUrl: `${trackerUrl}/${wrong}`
    }
  }

  const server = await startPageServer(opts.npmDir, payload)
  cleanup.add(() => new Promise((resolve) => {
    server.closeAllConnections()
    server.close(resolve)
  }))
  const origin = `http://127.0.0.1:${server.address().port}`
  log(`pages: ${origin}/`)

  const browsers = [new Browser('seeder'), new Browser('leecher')]
  cleanup.add(() => Promise.all(browsers.map((b) => b.close())))
  cleanup.addKill(() => browsers.forEach((b) => b.kill()))

  let elapsed
  try {
    elapsed = await transfer(opts, tmp, puppeteer, origin, urls, payload, browsers, priv)
  } catch (err) {
    if (err instanceof TransferError) {
      const state = tracker.running ? 'running' : `exited with code ${tracker.exitCode}`
      log(`tracker (${state}) output:\n${tracker.outputTail() || '(none)'}`)
    }
    throw err
  }
  if (!tracker.running) {
    throw new TransferError(`tracker exited with code ${tracker.exitCode} during the test:\n` +
      tracker.outputTail())
  }
  log(`PASS: ${trackerUrl}${priv ? '/KEY (private, a key per browser)' : ''}: ` +
    `${opts.sizeKib} KiB from browser to browser in ${elapsed.toFixed(2)} s, SHA-256 matches` +
    (priv ? '; wrong key refused, keys\' stats match' : ''))
}

async function main () {
  const cleanup = new Cleanup()
  // Bazel ends a test that runs out of time with SIGTERM: leave no browser
  // or tracker behind (the network namespace goes with the last process).
  let signalled = null
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping`)
      signalled = 128 + os.constants.signals[signal]
      cleanup.killAll()
      cleanup.run().finally(() => process.exit(signalled))
    })
  }
  let code = EXIT_OK
  try {
    await run(parseArguments(process.argv.slice(2)), cleanup)
  } catch (err) {
    if (signalled !== null) {
      // The failure is the kill's doing, not worth reporting.
      code = signalled
    } else if (err instanceof TransferError) {
      log(`FAIL: ${err.message}`)
      code = EXIT_FAIL
    } else if (err instanceof SetupError) {
      log(`SETUP ERROR: ${err.message}`)
      code = EXIT_SETUP
    } else {
      log(`SETUP ERROR: unexpected: ${err.stack || err}`)
      code = EXIT_SETUP
    }
  }
  await cleanup.run()
  process.exit(code)
}

main()
