// platform-bench: reservations against a running inventory, over gRPC (h2c), from many clients
// at once; then the oversell check. Benchmarks/platform.sh runs it beside pgbench.
//
// Usage: platform-bench <host:port> <clients> <seconds> <skus> <units per sku>
import Foundation
import NIOCore
import InventoryAPI
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

let arguments = CommandLine.arguments
guard arguments.count == 6, let clients = Int(arguments[2]), let seconds = Int(arguments[3]), let skus = Int(arguments[4]),
      let units = Int64(arguments[5])
else {
    FileHandle.standardError.write(Data("usage: platform-bench <host:port> <clients> <seconds> <skus> <units per sku>\n".utf8))
    exit(2)
}
let address = arguments[1].split(separator: ":")
let channel = try await GRPCConnection.connect(host: String(address[0]), port: Int(address[1])!, tls: nil)
let inventory = InventoryService.client(transport: channel)
let staff = CallOptions(metadata: Metadata(["x-jwt-sub": "users/bench", "x-jwt-roles": "staff"]))
let run = UUID().uuidString.prefix(8)
let sku = { (index: Int) in "BENCH-\(run)-\(index)" }

for index in 0..<skus {
    _ = try await inventory.receiveStock(ReceiveStockRequest(sku: sku(index), location: "main", quantity: units), options: staff)
}

/// Reserves 1 of a random SKU, again and again until the time is up; returns (reserved,
/// refused, latencies in µs).
func client(_ number: Int, until end: ContinuousClock.Instant) async throws -> (Int, Int, [Int]) {
    var (reserved, refused, latencies) = (0, 0, [Int]())
    var generator = SystemRandomNumberGenerator()
    var call = 0
    while ContinuousClock.now < end {
        call += 1
        let started = ContinuousClock.now
        do {
            _ = try await inventory.reserve(ReserveRequest(
                reservationId: "\(run)-\(number)-\(call)", sku: sku(Int.random(in: 0..<skus, using: &generator)), quantity: 1, ttlSeconds: 3600))
            reserved += 1
        } catch let error as ServiceError<InventoryError> where error.reason == .insufficientStock {
            refused += 1
        }
        let elapsed = ContinuousClock.now - started
        latencies.append(Int(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000))
    }
    return (reserved, refused, latencies)
}

/// Runs the client tasks on the channel's event loop: each answer resumes its caller on the
/// thread that read it, so the load generator spends the shared cores on calls rather than on
/// waking threads (pgbench, the yardstick, is a C loop).
final class ChannelLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
let executor = ChannelLoopExecutor(channel.eventLoop)

let started = ContinuousClock.now
let end = started + .seconds(seconds)
let results = try await withThrowingTaskGroup(of: (Int, Int, [Int]).self) { group in
    for number in 0..<clients { group.addTask(executorPreference: executor) { try await client(number, until: end) } }
    var all: [(Int, Int, [Int])] = []
    for try await result in group { all.append(result) }
    return all
}
let elapsed = ContinuousClock.now - started
let reserved = results.reduce(0) { $0 + $1.0 }
let refused = results.reduce(0) { $0 + $1.1 }
let latencies = results.flatMap(\.2).sorted()
let perSecond = Double(reserved + refused) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)

// Zero oversell: no SKU has more reserved than it holds, and what is reserved is what succeeded.
var held: Int64 = 0
var oversold = 0
for index in 0..<skus {
    let stock = try await inventory.getStock(GetStockRequest(sku: sku(index)))
    held += stock.levels.reduce(0) { $0 + $1.reserved }
    oversold += stock.levels.filter { $0.reserved > $0.onHand }.count
}
let p50 = latencies.isEmpty ? 0 : latencies[latencies.count / 2]
let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
print("reserve: \(clients) clients, \(skus) SKUs × \(units): \(String(format: "%.0f", perSecond)) tx/s, p50 \(p50) µs, p99 \(p99) µs; "
    + "\(reserved) reserved, \(refused) refused; oversold SKUs \(oversold), units held \(held) (= reserved: \(held == Int64(reserved)))")
try await channel.close()
exit(oversold == 0 && held == Int64(reserved) ? 0 : 1)
