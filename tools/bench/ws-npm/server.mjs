// The reference WebTorrent tracker for tools/bench/ws.sh: npm
// bittorrent-tracker's server with only the WebSocket tracker enabled.
//   node server.mjs PORT   (listens on 127.0.0.1:PORT; prints "listening" when ready)
import Server from 'bittorrent-tracker/server'

const port = Number(process.argv[2])
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.mjs PORT')
  process.exit(2)
}
const server = new Server({ udp: false, http: false, ws: true, stats: false })
server.on('error', (err) => {
  console.error(`error: ${err.message}`)
  process.exit(1)
})
server.on('warning', () => {})
server.listen(port, '127.0.0.1', () => {
  console.log('listening')
})
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
