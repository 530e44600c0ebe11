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
import WebTorrent from '/webtorrent.min.js'

const client = new WebTorrent({
  dht: false,
  lsd: false,
  utPex: false,
  webSeeds: false,
  tracker: { rtcConfig: { iceServers: [] } }
})

client.on('error', (err) => console.log(`client error: ${err.message || err}`))

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
    await new Promise((resolve, reject) => {
      torrent.once('seed', resolve)
      torrent.once('error', reject)
    })
    console.log(`seed: pieces hashed, seeding ${torrent.infoHash}`)
    await replied
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
    })
    if (torrent.files.length !== 1) throw new Error(`expected 1 file, got ${torrent.files.length}`)
    const bytes = await torrent.files[0].arrayBuffer()
    return { ...describe(torrent), length: bytes.byteLength, sha256: await sha256Hex(bytes) }
  },

  // Every torrent of this page, for the driver's progress and timeout reports.
  status () {
    return client.torrents.map(describe)
  }
}
