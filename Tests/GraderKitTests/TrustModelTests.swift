import Foundation
import XCTest

@testable import GraderKit

/// The pieces of the grader's trust model, each on its own: the source policy, the transcript
/// judge, process supervision, plain-file submissions and inert outputs.
final class SourcePolicyTests: XCTestCase {
  func violation(_ source: String) -> String? {
    SourcePolicy.violation(files: [("Exercises/Unit00/A.swift", Data(source.utf8))])
  }

  func testCommentsAreRemovedAsTheCompilerReadsThem() {
    let source = """
      let a = "// not a comment" /* one /* nested */ still */ + "/* nor this */"
      let b = #"raw "quote" // here"# // gone
      let c = \"""
        multi // line
        \"""
      """
    let stripped = SourcePolicy.strippingComments(source)
    XCTAssertEqual(stripped.split(separator: "\n", omittingEmptySubsequences: false).count, 5)
    XCTAssertTrue(stripped.contains("\"// not a comment\""))
    XCTAssertTrue(stripped.contains("\"/* nor this */\""))
    XCTAssertFalse(stripped.contains("nested"))
    XCTAssertFalse(stripped.contains("still"))
    XCTAssertTrue(stripped.contains(##"#"raw "quote" // here"#"##))
    XCTAssertFalse(stripped.contains("gone"))
    XCTAssertTrue(stripped.contains("multi // line"))
  }

  func testRefusesTestModuleImportsHoweverSpelled() {
    for source in [
      "import XCTest\n", "import/**/XCTest\n", "@testable import Testing\n",
      "import struct XCTest.XCTestCase\n", "import /* a */ CourseTestSupport\n",
      "let x = 1\nimport\nXCTest\n",
    ] {
      XCTAssertNotNil(violation(source), source)
    }
    XCTAssertEqual(
      violation("let x = 1\nimport XCTest\n")?.hasPrefix("Exercises/Unit00/A.swift:2:"), true)
    XCTAssertNil(violation("// no need to import XCTest here\nimport Foundation\nimport RNNCore\n"))
  }

  func testRefusesAttributesThatReachAroundTheLanguage() {
    for source in [
      "@_silgen_name(\"x\") func f()\n", "@_cdecl(\"unsetenv\") public func g() {}\n",
      "@_section(\"x\") let a = 1\n", "@_used let b = 1\n",
      "@_dynamicReplacement(for: f) func h() {}\n", "let p = dlopen(nil, 0)\n",
      "let q = dlsym(nil, \"f\")\n",
      // A comment opener inside an interpolated string must not hide what follows.
      "let s = \"\\(\"/*\")\"\n@_cdecl(\"main\") func m() {}\n",
    ] {
      XCTAssertNotNil(violation(source), source)
    }
  }

  func testRefusesInvalidUTF8() {
    var data = Data("import XCTest\n// ".utf8)
    data += Data([0xF4, 0x90, 0x80, 0x80])
    let problem = SourcePolicy.violation(files: [("Exercises/Unit00/B.swift", data)])
    XCTAssertEqual(problem, "Exercises/Unit00/B.swift: not valid UTF-8; save the file as UTF-8")
  }

  func testOrdinaryExerciseCodePasses() {
    XCTAssertNil(
      violation(
        """
        import Foundation
        import RNNCore

        /// Uses `@_cdecl`-free code only.
        public func forward(_ x: Matrix, _ w: Matrix) -> Matrix {
          x.matmul(w, transposeOther: true).map { max(0, $0) }
        }
        """))
  }

  func testSymbolsThatReplaceOtherCodeAreFoundInTheObjects() throws {
    guard let swiftc = ProcessRunner.which("swiftc"), ProcessRunner.which("nm") != nil else {
      throw XCTSkip("needs swiftc and nm")
    }
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-objects-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func compile(_ name: String, _ source: String) throws {
      let file = folder.appendingPathComponent("\(name).swift")
      try source.write(to: file, atomically: true, encoding: .utf8)
      let result = try ProcessRunner.run(
        swiftc,
        [
          "-parse-as-library", "-module-name", "Unit00", "-c", file.path, "-o",
          folder.appendingPathComponent("\(name).swift.o").path,
        ], timeout: 120)
      XCTAssertTrue(result.succeeded, result.output)
    }
    try compile(
      "Clean",
      """
      public struct Affine { public var w: [Double]; public init(w: [Double]) { self.w = w } }
      extension Array where Element == Double { public func total() -> Double { reduce(0, +) } }
      public func forward(_ x: [Double]) -> [Double] { x.map { $0 * 2 } }
      """)
    XCTAssertEqual(SourcePolicy.symbolViolations(buildFolder: folder, module: "Unit00"), [])
    try compile(
      "Sneaky",
      """
      @_cdecl("unsetenv") public func keep(_ name: UnsafePointer<CChar>?) -> Int32 { 0 }
      @_silgen_name("$s6XCTest0A4CaseC4nameSSvg") public func name() -> String { "" }
      """)
    XCTAssertEqual(
      Set(SourcePolicy.symbolViolations(buildFolder: folder, module: "Unit00")),
      ["unsetenv", "$s6XCTest0A4CaseC4nameSSvg"])
  }

  /// The reference solutions, compiled as the unit modules of this build, must pass the symbol
  /// check themselves: a name the compiler emits for correct code (a closure over a generic
  /// context records a `generic environment ...`) must never cost an honest submission its unit.
  func testTheReferenceUnitsDefineNoForbiddenSymbols() throws {
    guard ProcessRunner.which("nm") != nil else { throw XCTSkip("needs nm") }
    let build = kitRoot.appendingPathComponent(".build")
    let folders =
      (FileManager.default.enumerator(at: build, includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL }
        .filter {
          $0.lastPathComponent.range(of: #"^Unit[0-9]+\.build$"#, options: .regularExpression)
            != nil
            && $0.deletingLastPathComponent().lastPathComponent == "debug"
            && !$0.path.contains("grade-")
        }) ?? []
    guard !folders.isEmpty else { throw XCTSkip("no unit modules built yet") }
    for folder in folders {
      let module = String(folder.lastPathComponent.dropLast(".build".count))
      XCTAssertEqual(
        SourcePolicy.symbolViolations(buildFolder: folder, module: module), [],
        "\(folder.path): symbols the grader would refuse")
    }
  }

  func testImportsAreReadFromTheCompilersDependencyRecords() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-deps-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try "A.o : /opt/swift/lib/Foundation.swiftmodule/x.swiftmodule /x/RNNCore.swiftmodule\n"
      .write(to: folder.appendingPathComponent("A.d"), atomically: true, encoding: .utf8)
    XCTAssertEqual(SourcePolicy.importViolations(buildFolder: folder), [])
    try "B.o : /opt/swift/lib/XCTest.swiftmodule/x.swiftmodule\n"
      .write(to: folder.appendingPathComponent("B.d"), atomically: true, encoding: .utf8)
    XCTAssertEqual(SourcePolicy.importViolations(buildFolder: folder), ["XCTest"])
  }
}

final class TranscriptJudgeTests: XCTestCase {
  func line(_ object: [String: Any]) -> String {
    String(
      decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
      as: UTF8.self)
  }

  func transcript(_ records: [[String: Any]], end: Bool = true) -> Data {
    let lines = [line(["k": "begin"])] + records.map(line) + (end ? [line(["k": "end"])] : [])
    return Data((lines.joined(separator: "\n") + "\n").utf8)
  }

  func close(
    _ actual: [Double], _ expected: [Double], shape: [Int] = [1, 2], t: Double = 1e-9
  )
    -> [String: Any]
  {
    [
      "k": "close", "l": "forward(x)", "a": actual.map { "\($0)" },
      "e": expected.map { "\($0)" }, "s": shape, "es": shape, "t": "\(t)", "m": "rel",
    ]
  }

  let finished = ProcessResult(
    status: 0, crashedBySignal: false, timedOut: false, output: "", seconds: 0.1)

  func judge(_ student: Data, _ reference: Data, result: ProcessResult? = nil) -> TestOutcome {
    TranscriptJudge.outcome(
      test: "Unit00Tests.A/testB", result: result ?? finished, transcript: student,
      reference: reference)
  }

  func testTheStudentsValueIsJudgedAgainstTheReferencesExpectedValue() {
    let reference = transcript([close([1.5, -2], [1.5, -2])])
    XCTAssertEqual(judge(transcript([close([1.5, -2], [0, 0])]), reference).status, .passed)
    XCTAssertEqual(
      judge(transcript([close([1.5 + 1e-12, -2], [9, 9])]), reference).status, .passed,
      "within the tolerance; the student's own expected value is ignored")
    let wrong = judge(transcript([close([1.5, -2.5], [1.5, -2.5])]), reference)
    XCTAssertEqual(wrong.status, .failed)
    XCTAssertTrue(wrong.message.contains("expected -2, got -2.5"), wrong.message)
    XCTAssertTrue(wrong.message.contains("(0, 1)"), wrong.message)
    let shape = judge(transcript([close([1.5, -2], [1.5, -2], shape: [2, 1])]), reference)
    XCTAssertTrue(shape.message.contains("expected shape 1x2, got 2x1"), shape.message)
    let nan = judge(transcript([close([.nan, -2], [1.5, -2])]), reference)
    XCTAssertEqual(nan.status, .failed)
  }

  func testAForgedOrIncompleteTranscriptDoesNotPass() {
    let reference = transcript([close([1, 2], [1, 2]), ["k": "true", "l": "finite", "a": true]])
    let missing = judge(transcript([close([1, 2], [1, 2])]), reference)
    XCTAssertEqual(missing.status, .failed)
    XCTAssertTrue(missing.message.contains("after 1 of 2 checks"), missing.message)
    let crashed = judge(
      transcript([close([1, 2], [1, 2])], end: false), reference,
      result: ProcessResult(
        status: 11, crashedBySignal: true, timedOut: false,
        output: "Fatal error: Index out of range\n#3 in f at /x/Exercises/Unit00/Affine.swift:44:7",
        seconds: 0.1))
    XCTAssertEqual(crashed.status, .crashed)
    XCTAssertTrue(crashed.message.contains("Index out of range"), crashed.message)
    XCTAssertTrue(crashed.message.contains("Exercises/Unit00/Affine.swift:44"), crashed.message)
    let extra = judge(
      transcript([
        close([1, 2], [1, 2]), ["k": "true", "l": "finite", "a": true],
        ["k": "true", "l": "finite", "a": true],
      ]), reference)
    XCTAssertEqual(extra.status, .failed)
    let relabeled = judge(
      transcript([close([1, 2], [1, 2]), ["k": "true", "l": "other", "a": true]]), reference)
    XCTAssertEqual(relabeled.status, .failed)
    let noEnd = judge(
      transcript([close([1, 2], [1, 2]), ["k": "true", "l": "finite", "a": true]], end: false),
      reference)
    XCTAssertEqual(noEnd.status, .crashed)
    XCTAssertEqual(judge(Data("not json\n".utf8), reference).status, .failed)
    let timedOut = judge(
      Data(), reference,
      result: ProcessResult(
        status: 9, crashedBySignal: true, timedOut: true, output: "", seconds: 4))
    XCTAssertEqual(timedOut.status, .timedOut)
  }

  func testStubsAndPreconditionsAreReportedInTheGradersOwnWords() {
    let reference = transcript([close([1, 2], [1, 2])])
    let stub = judge(transcript([["k": "skip", "exercise": "00.1"]]), reference)
    XCTAssertEqual(stub.status, .notStarted)
    XCTAssertEqual(stub.message, "exercise 00.1 is not implemented yet")
    let forgedNumber = judge(
      transcript([["k": "skip", "exercise": "import Solutions/Unit00/Affine.swift"]]), reference)
    XCTAssertEqual(forgedNumber.message, "an exercise is not implemented yet")
    let shape = judge(
      transcript([
        [
          "k": "precondition", "l": "matmul: 2x3 times 4x5 does not fit", "file": "RNNCore/M.swift",
          "line": 12,
        ]
      ]), reference)
    XCTAssertEqual(shape.status, .failed)
    XCTAssertTrue(shape.message.contains("2x3 times 4x5"), shape.message)
    let leak = judge(
      transcript([
        [
          "k": "precondition", "l": "public func forward(_ x: Matrix) -> Matrix {\n  x.matmul(w)",
          "file": "x", "line": 1,
        ]
      ]), reference)
    XCTAssertFalse(leak.message.contains("matmul"), leak.message)
    let printed = judge(
      Data(), reference,
      result: ProcessResult(
        status: 1, crashedBySignal: false, timedOut: false,
        output: "A.testB : error: SECRET TEXT\nFatal error: SECRET TEXT", seconds: 0.1))
    XCTAssertFalse(printed.message.contains("SECRET"), printed.message)
  }

  func testGradientsAreCheckedAgainstTheReferencesCenteredDifferences() {
    func gradient(_ analytic: [Double], _ numeric: [Double]) -> [String: Any] {
      [
        "k": "gradient", "l": "gradient check", "t": "1e-07",
        "blocks": [
          [
            "name": "W", "s": [1, 2], "i": [0, 1], "a": analytic.map { "\($0)" },
            "n": numeric.map { "\($0)" },
          ]
        ],
      ]
    }
    let reference = transcript([gradient([0.25, -1], [0.25 + 1e-11, -1])])
    XCTAssertEqual(judge(transcript([gradient([0.25, -1], [7, 7])]), reference).status, .passed)
    let wrong = judge(transcript([gradient([0.5, -1], [0.5, -1])]), reference)
    XCTAssertEqual(wrong.status, .failed, "a forward and backward wrong alike still fail")
    XCTAssertTrue(wrong.message.contains("W [1x2]"), wrong.message)
    XCTAssertTrue(wrong.message.contains("(0, 0)"), wrong.message)
  }

  func testThresholdsAndDistributionsTakeTheirBoundsFromTheReference() {
    let order: [String: Any] = [
      "k": "order", "l": "perplexity", "a": ["20"], "e": ["30"], "op": "<",
    ]
    var forgedBound = order
    forgedBound["a"] = ["40"]
    forgedBound["e"] = ["1000"]
    let reference = transcript([order])
    XCTAssertEqual(judge(transcript([order]), reference).status, .passed)
    XCTAssertEqual(judge(transcript([forgedBound]), reference).status, .failed)

    func counts(_ values: [Int], probabilities: [Double]) -> [String: Any] {
      [
        "k": "chi2", "l": "draws", "a": values.map { "\(Double($0))" },
        "e": probabilities.map { "\($0)" }, "t": "13.8",
      ]
    }
    let chi = transcript([counts([500, 300, 200], probabilities: [0.5, 0.3, 0.2])])
    XCTAssertEqual(
      judge(transcript([counts([490, 310, 200], probabilities: [1, 0, 0])]), chi).status, .passed,
      "another correct sampler's counts pass; the student's probabilities are not used")
    XCTAssertEqual(
      judge(transcript([counts([900, 50, 50], probabilities: [0.9, 0.05, 0.05])]), chi).status,
      .failed)
  }

  func testEqualityQuotesOnlyAShortPieceOfTheStudentsValue() {
    let reference = transcript([["k": "equal", "l": "tokens", "a": "[a, b]", "e": "[a, b]"]])
    let long = String(repeating: "kit text ", count: 100)
    let outcome = judge(
      transcript([["k": "equal", "l": "tokens", "a": long, "e": "[a, b]"]]), reference)
    XCTAssertEqual(outcome.status, .failed)
    XCTAssertLessThan(outcome.message.count, 140, outcome.message)
  }

  func testAReferenceThatCannotServeIsRefused() {
    XCTAssertNil(TranscriptJudge.referenceProblem(transcript([close([1], [1])]), result: finished))
    XCTAssertNotNil(TranscriptJudge.referenceProblem(transcript([]), result: finished))
    XCTAssertNotNil(
      TranscriptJudge.referenceProblem(transcript([close([1], [1])], end: false), result: finished))
    XCTAssertNotNil(
      TranscriptJudge.referenceProblem(
        transcript([close([1], [1]), ["k": "fail", "l": "x"]]), result: finished))
  }
}

final class ProcessTreeTests: XCTestCase {
  func log() -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-tree-\(UUID().uuidString).log")
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  func alive(_ marker: String) -> Bool {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.contains { name in
      guard Int32(name) != nil else { return false }
      let command = (try? String(contentsOfFile: "/proc/\(name)/cmdline", encoding: .utf8)) ?? ""
      return command.contains(marker)
    }
  }

  func testAChildThatKeepsTheOutputOpenDoesNotStallTheWait() throws {
    #if !os(Linux)
      throw XCTSkip("reads /proc")
    #endif
    let marker = "4242.5"
    let started = Date()
    let result = try ProcessTree.run(
      ["/bin/sh", "-c", "sleep \(marker) & echo started"], environment: ["PATH": "/usr/bin:/bin"],
      output: log(), limits: ProcessLimits(timeout: 30))
    XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    XCTAssertTrue(result.succeeded)
    XCTAssertTrue(result.output.contains("started"))
    Thread.sleep(forTimeInterval: 0.2)
    XCTAssertFalse(alive(marker), "the grandchild ends with its parent")
  }

  func testTheWholeTreeIsKilledAtTheTimeLimit() throws {
    #if !os(Linux)
      throw XCTSkip("reads /proc")
    #endif
    let marker = "4343.5"
    let started = Date()
    let result = try ProcessTree.run(
      ["/bin/sh", "-c", "setsid sleep \(marker) & sleep \(marker) & wait"],
      environment: ["PATH": "/usr/bin:/bin"], output: log(), limits: ProcessLimits(timeout: 1))
    XCTAssertTrue(result.timedOut)
    XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    Thread.sleep(forTimeInterval: 0.2)
    XCTAssertFalse(alive(marker), "even a child in a session of its own is killed")
  }

  func testTheMemoryLimitHoldsForTheWholeTree() throws {
    #if !os(Linux)
      throw XCTSkip("reads /proc")
    #endif
    let result = try ProcessTree.run(
      ["/bin/sh", "-c", "tail /dev/zero & tail /dev/zero & tail /dev/zero & wait"],
      environment: ["PATH": "/usr/bin:/bin"], output: log(),
      limits: ProcessLimits(timeout: 30, memoryBytes: 300 << 20))
    XCTAssertEqual(result.limitExceeded, "memory")
    XCTAssertFalse(result.succeeded)
  }

  func testTheProcessLimitHolds() throws {
    #if !os(Linux)
      throw XCTSkip("reads /proc")
    #endif
    let result = try ProcessTree.run(
      ["/bin/sh", "-c", "for i in $(seq 40); do sleep 4747 & done; wait"],
      environment: ["PATH": "/usr/bin:/bin"], output: log(),
      limits: ProcessLimits(timeout: 30, maxProcesses: 16))
    XCTAssertEqual(result.limitExceeded, "processes")
    Thread.sleep(forTimeInterval: 0.2)
    XCTAssertFalse(alive("4747"))
  }
}

final class SubmissionFilesTests: XCTestCase {
  func testSymbolicLinksAnywhereAreRefused() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("rnnkit-links-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    let inner = root.appendingPathComponent("inner/Exercises/Unit00")
    try fm.createDirectory(at: inner, withIntermediateDirectories: true)
    try "let a = 1\n".write(
      to: inner.appendingPathComponent("A.swift"), atomically: true, encoding: .utf8)
    XCTAssertNoThrow(try SubmissionSource.open(root.appendingPathComponent("inner")))
    try fm.createSymbolicLink(
      atPath: inner.appendingPathComponent("B.swift").path, withDestinationPath: "/etc/hostname")
    XCTAssertThrowsError(try SubmissionSource.open(root.appendingPathComponent("inner"))) {
      XCTAssertTrue("\($0)".contains("Unit00/B.swift is a symbolic link"), "\($0)")
    }
    try fm.createSymbolicLink(
      atPath: root.appendingPathComponent("linked").path, withDestinationPath: inner.path)
    XCTAssertThrowsError(try SubmissionSource.open(root.appendingPathComponent("linked")))

    var zip = ZipWriter()
    zip.add(path: "Exercises/Unit00/A.swift", data: Data("let a = 1\n".utf8))
    zip.add(path: "Exercises/Unit00/B.swift", data: Data("/etc/hostname".utf8), symbolicLink: true)
    let archive = root.appendingPathComponent("linked.zip")
    try zip.finish().write(to: archive)
    let unpacked = root.appendingPathComponent("unpacked")
    XCTAssertThrowsError(try SubmissionSource.open(archive, temporaryRoot: unpacked)) {
      XCTAssertTrue("\($0)".contains("symbolic link"), "\($0)")
    }
    XCTAssertEqual(
      (try? fm.contentsOfDirectory(atPath: unpacked.path)) ?? [], [],
      "a refused zip leaves nothing unpacked")
  }

  func testEntriesWithTheSameStemKeepDistinctNames() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("rnnkit-names-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    try fm.createDirectory(
      at: root.appendingPathComponent("dup/Exercises"), withIntermediateDirectories: true)
    try fm.createDirectory(
      at: root.appendingPathComponent("solo/Exercises"), withIntermediateDirectories: true)
    try ZipWriter().finish().write(to: root.appendingPathComponent("dup.zip"))
    let grader = BatchGrader(
      layout: PackageLayout(root: kitRoot), submissions: root,
      output: root.appendingPathComponent("out"))
    XCTAssertEqual(try grader.submissionEntries().map(\.name), ["dup", "dup.zip", "solo"])
  }

  func testSpreadsheetFormulasAreInert() {
    XCTAssertEqual(csvField("=1+2"), "'=1+2")
    XCTAssertEqual(csvField("+cmd"), "'+cmd")
    XCTAssertEqual(csvField("-2"), "'-2")
    XCTAssertEqual(csvField("@SUM(A1)"), "'@SUM(A1)")
    XCTAssertEqual(csvField("=a,b"), "\"'=a,b\"")
    XCTAssertEqual(csvField("alice"), "alice")
  }
}
