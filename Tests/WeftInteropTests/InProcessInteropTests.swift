import Synchronization
import Testing
import WeftInterop
import WeftRPC

/// The interop cases against the reference TestService, in-process: the service logic and the
/// cases agree before any network is involved.
@Suite struct InProcessInteropTests {
    @Test(arguments: InteropCases.all.filter { !$0.needsNetwork }.map(\.name))
    func interopCasePasses(_ name: String) async {
        let lines = Mutex<[String]>([])
        let testCase = InteropCases.all.filter { $0.name == name }
        let result = await InteropCases.run(
            testCase, transport: InProcessTransport(services: [InteropTestService()])
        ) { line in lines.withLock { $0.append(line) } }
        #expect(result.failed == 0, "\(lines.withLock { $0 })")
        #expect(result.passed == 1)
    }
}

/// Requests at the edges of what the reference service accepts get a status, never a crash or
/// an allocation the request chose.
@Suite struct InteropServiceInputTests {
    @Test(arguments: [(Int32(-1), Status.Code.invalidArgument), (Int32.min, .invalidArgument), (Int32.max, .resourceExhausted)])
    func outOfRangeResponseSizesAreRefused(_ size: Int32, _ code: Status.Code) async throws {
        let client = TestService.Client(transport: InProcessTransport(services: [InteropTestService()]))
        let error = await #expect(throws: Status.self) {
            _ = try await client.unaryCall(SimpleRequest(responseSize: size))
        }
        #expect(error?.code == code)
    }
}
