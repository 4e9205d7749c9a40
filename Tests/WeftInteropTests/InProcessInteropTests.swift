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
