// The in-browser half of tools/e2e/browser/webtorrent_transfer.mjs: one
// WebTorrent client per page, driven by the test through window.e2e (called
// with puppeteer's page.evaluate). Notable events go to console.log, which the
// driver prints with the browser's name in front.
//
// Only the tracker may introduce the two peers to each other: WebTorrent's
// browser bundle has no DHT, LSD or PEX code at all, and the options below
// turn them off anyway, so that the test stays meaningful should that change;
// no web seeds; no ICE servers (WebTorrent's default is public STUN servers:
// useless without a network, and a lookup for each connection attempt).
//
// Against a private tracker (the driver's --private), each page's tracker URL
// carries its own key (ws://host:port/KEY). A refusal of that key (the
// tracker's "failure reason", which WebTorrent reports as a warning) ends
// seed() and download() at once, and probe() checks that a key the tracker
// never made gets nothing.
import WebTorrent from '/webtorrent.min.js'

function newClient () {
  const c = new WebTorrent({
    dht: false,
    lsd: false,
    utPex: false,
    webSeeds: false,
    tracker: { rtcConfig: { iceServers: [] } }
  })
  c.on('error', (err) => console.log(`client error: ${err.message || err}`))
  return c
}

const client = newClient()

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Facts about a torrent worth printing on a timeout.
function describe (torrent) {
  return {
    infoHash: torrent.infoHash,
    ready: torrent.ready,
    progress: torrent.progress,
    downloaded: torrent.downloaded,
    uploaded: torrent.uploaded,
    numPeers: torrent.numPeers,
    announce: torrent.announce
  }
}

// Logs the events that tell where a torrent is stuck. `name` tells the
// torrents apart in the log should a page ever hold more than one.
function watch (torrent, name) {
  torrent.on('warning', (err) => console.log(`${name}: warning: ${err.message || err}`))
  torrent.on('error', (err) => console.log(`${name}: error: ${err.message || err}`))
  torrent.on('trackerAnnounce', () =>
    console.log(`${name}: tracker replied to an announce (peers connected: ${torrent.numPeers})`))
  torrent.on('metadata', () => console.log(`${name}: metadata received`))
  torrent.on('wire', (wire) =>
    console.log(`${name}: connected to peer ${wire.peerId} (${wire.type})`))
}

// Resolves on the first tracker reply: the tracker knows the peer then.
function firstTrackerReply (torrent) {
  return new Promise((resolve) => torrent.once('trackerAnnounce', resolve))
}

// Rejects when a private tracker refuses the torrent's key: its failure
// reasons start with "private tracker:". Never resolves.
function keyRefused (torrent) {
  return new Promise((resolve, reject) => {
    torrent.on('warning', (err) => {
      const text = String(err?.message || err)
      if (text.startsWith('private tracker:')) reject(new Error(`the tracker refused: ${text}`))
    })
  })
}

async function sha256Hex (buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

window.e2e = {
  // Seeds /payload.bin (served by the driver) with `announceUrl` as the only
  // tracker. Resolves once the pieces are hashed and the tracker has replied.
  async seed (announceUrl) {
    const response = await fetch('/payload.bin')
    if (!response.ok) throw new Error(`GET /payload.bin: HTTP ${response.status}`)
    const file = new File([await response.arrayBuffer()], 'payload.bin')
    // `announce` given: create-torrent adds none of its default public trackers.
    const torrent = client.seed(file, { announce: [announceUrl] })
    watch(torrent, 'seed')
    const replied = firstTrackerReply(torrent)
    const refused = keyRefused(torrent)
    refused.catch(() => {}) // handled by the race below
    await new Promise((resolve, reject) => {
      torrent.once('seed', resolve)
      torrent.once('error', reject)
    })
    console.log(`seed: pieces hashed, seeding ${torrent.infoHash}`)
    await Promise.race([replied, refused])
    return describe(torrent)
  },

  // Downloads `magnetUri`. Resolves when every piece is verified, with the
  // SHA-256 and length of the file as the page reads it back from WebTorrent.
  async download (magnetUri) {
    const torrent = client.add(magnetUri)
    watch(torrent, 'download')
    await new Promise((resolve, reject) => {
      torrent.once('done', resolve)
      torrent.once('error', reject)
      keyRefused(torrent).catch(reject)
    })
    if (torrent.files.length !== 1) throw new Error(`expected 1 file, got ${torrent.files.length}`)
    const bytes = await torrent.files[0].arrayBuffer()
    return { ...describe(torrent), length: bytes.byteLength, sha256: await sha256Hex(bytes) }
  },

  // Every torrent of this page, for the driver's progress and timeout reports.
  status () {
    return client.torrents.map(describe)
  },

  // Announces every torrent of this page again (no event), so that the
  // tracker hears its current uploaded and downloaded totals.
  reannounce () {
    for (const torrent of client.torrents) torrent.discovery?.tracker?.update()
    return client.torrents.length
  },

  // A WebTorrent client of its own adds `magnetUri`, whose tracker URL
  // carries a key the tracker never made, until the tracker refuses it with
  // "unknown key" or `ms` pass, then one more second (a peer the tracker
  // handed out would connect by then). Resolves with the warnings and what it
  // got: tracker replies, peer connections, peers; the client is destroyed.
  async probe (magnetUri, ms) {
    const probeClient = newClient()
    const result = { warnings: [], replies: 0, wires: 0, numPeers: 0 }
    try {
      const torrent = probeClient.add(magnetUri)
      torrent.on('warning', (err) => {
        const text = String(err?.message || err)
        result.warnings.push(text)
        console.log(`probe: warning: ${text}`)
      })
      torrent.on('trackerAnnounce', () => { result.replies++ })
      torrent.on('wire', () => { result.wires++ })
      const deadline = performance.now() + ms
      while (performance.now() < deadline &&
             !result.warnings.some((w) => w.includes('unknown key'))) {
        await sleep(50)
      }
      await sleep(1000)
      result.numPeers = torrent.numPeers
    } finally {
      await new Promise((resolve) => probeClient.destroy(() => resolve()))
    }
    return result
  }
}
