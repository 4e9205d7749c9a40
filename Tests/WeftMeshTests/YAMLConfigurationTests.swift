import Foundation
import Testing
import WeftMesh
import WeftMessages

/// A configuration file named `*.yaml` or `*.yml` is YAML: the same settings as its JSON, the
/// same messages for a mistaken key, and YAML's own syntax errors named by line and column.
struct YAMLConfigurationTests {
    /// The file `name` in a new directory, holding `text`.
    private func file(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aYAMLFileReadsAsItsJSON() throws {
        let path = try file("catalog.yaml", """
            # The catalog service, as a Kubernetes ConfigMap would hold it.
            service: catalog
            trustDomain: shop.test
            listen: "0.0.0.0:7001"
            tls:
              ca: ca.pem
              certificate: /c/catalog.pem
              key: catalog.key
            upstreams:
              inventory:
                endpoints: [10.0.0.1:7002, "10.0.0.2:7002"]
                balancing: p2c
              search:
                dns: search.shop.svc:7003
                refreshSeconds: 5
            limits:
              maxReceiveMessageBytes: 1024
              drainSeconds: 3
            health: false
            settings:
              note: "line one\\nline \\"two\\""
              empty: ~
              ratio: 0.25
              answers: [yes, no, on, "1:30", 1:30, 0x1F, 0o17, 017, .5, TRUE]
              first: &shared {retries: 2}
              second: *shared
            """)
        let parsed = try MeshConfiguration(contentsOf: path, environment: [:])
        #expect(parsed.identity == "spiffe://shop.test/service/catalog")
        #expect(parsed.host == "0.0.0.0" && parsed.port == 7001)
        let directory = (path as NSString).deletingLastPathComponent
        #expect(parsed.tls == .init(trustRoots: directory + "/ca.pem", certificateChain: "/c/catalog.pem", privateKey: directory + "/catalog.key"))
        #expect(parsed.upstreams["inventory"] == Upstream(
            discovery: .endpoints([Endpoint(host: "10.0.0.1", port: 7002), Endpoint(host: "10.0.0.2", port: 7002)]),
            channel: .defaults.with { $0.balancing = .powerOfTwoChoices }))
        #expect(parsed.upstreams["search"]?.discovery == .dns(host: "search.shop.svc", port: 7003, refresh: .seconds(5)))
        #expect(parsed.maximumReceiveMessageBytes == 1024 && parsed.drainGracePeriod == .seconds(3) && !parsed.servesHealth)
        #expect(parsed.settings["note"] == .string("line one\nline \"two\"") && parsed.settings["empty"] == .null)
        #expect(parsed.settings["ratio"] == .number("0.25"))
        // YAML 1.2's core schema: yes, no, on and 1:30 stay text (YAML 1.1 made them booleans and
        // a base-60 number); 017 is seventeen, not fifteen.
        #expect(parsed.settings["answers"] == .array([
            .string("yes"), .string("no"), .string("on"), .string("1:30"), .string("1:30"), .number("31"), .number("15"), .number("17"),
            .number("0.5"), .bool(true),
        ]))
        // An alias stands for the node it names.
        #expect(parsed.settings["second"] == .object([("retries", .number("2"))]) && parsed.settings["first"] == parsed.settings["second"])
    }

    @Test(arguments: [
        ("service: catalog\nlistn: 127.0.0.1:1\n", "configuration key listn is not a known setting; did you mean listen?"),
        // YAML's types hold: a quoted number is text, which a numeric setting refuses.
        ("service: catalog\nlimits:\n  drainSeconds: \"3\"\n", "configuration key limits.drainSeconds must be"),
        ("service: catalog\nlisten: [unclosed\n", ".yaml:3:1: not valid YAML:"),
        ("service: catalog\nservice: other\n", ".yaml:1:1: not valid YAML: a key appears twice (service)"),
        ("service: !custom catalog\n", ".yaml:1:10: not valid configuration YAML: the tag !custom is not supported"),
    ])
    func mistakesAreNamed(_ yaml: String, _ message: String) throws {
        let path = try file("mistake.yaml", yaml)
        let error = #expect(throws: ConfigurationError.self) { try MeshConfiguration(contentsOf: path, environment: [:]) }
        let description = error.map { "\($0)" } ?? ""
        #expect(description.contains(message), "\(description)")
        #expect(description.hasPrefix(path))
    }

    @Test func aJSONFileIsStillJSON() throws {
        let path = try file("catalog.json", #"{"service": "catalog", "listen": "127.0.0.1:7001", "insecure": true}"#)
        #expect(try MeshConfiguration(contentsOf: path, environment: [:]).port == 7001)
    }
}
