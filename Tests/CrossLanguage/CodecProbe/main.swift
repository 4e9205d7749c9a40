// weft-codec-probe: the Swift half of the cross-language codec test (driven by ../crosslang.py).
//
//   weft-codec-probe write DIR    writes DIR/<case>.swift.bin and DIR/<case>.swift.json
//   weft-codec-probe verify DIR   decodes DIR/<case>.py.bin and DIR/<case>.py.json, compares
//                                 each with the Swift-built sample, prints PASS/FAIL per check
//                                 and exits 1 when any check fails

import Foundation

let samples = KitchenSinkSamples.all() + BenchSamples.all()

func write(to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for sample in samples {
        try Data(sample.binary()).write(to: directory.appendingPathComponent("\(sample.name).swift.bin"))
        try Data(sample.json().utf8).write(to: directory.appendingPathComponent("\(sample.name).swift.json"))
    }
}

/// Runs every check, failing or not, and returns whether all passed.
func verify(in directory: URL) -> Bool {
    var allPassed = true
    for sample in samples {
        let checks: [(format: String, file: String, run: (Data) throws -> String?)] = [
            ("binary", "\(sample.name).py.bin", { try sample.checkBinary([UInt8]($0)) }),
            ("json", "\(sample.name).py.json", { try sample.checkJSON(String(decoding: $0, as: UTF8.self)) }),
        ]
        for check in checks {
            let problem: String?
            do {
                problem = try check.run(Data(contentsOf: directory.appendingPathComponent(check.file)))
            } catch {
                problem = "\(check.file): \(error)"
            }
            if let problem {
                allPassed = false
                print("FAIL \(sample.name) \(check.format): \(problem)")
            } else {
                print("PASS \(sample.name) \(check.format)")
            }
        }
    }
    return allPassed
}

let arguments = CommandLine.arguments
guard arguments.count == 3, ["write", "verify"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: weft-codec-probe write|verify DIR\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[2], isDirectory: true)
if arguments[1] == "write" {
    do {
        try write(to: directory)
    } catch {
        FileHandle.standardError.write(Data("weft-codec-probe write: \(error)\n".utf8))
        exit(1)
    }
} else {
    exit(verify(in: directory) ? 0 : 1)
}
