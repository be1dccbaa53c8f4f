import Foundation
import XCTest

@testable import GraderKit

/// Grades batches of fixture submissions and checks every grade, the gradebook, the feedback,
/// the Gradescope results and the tamper report.
///
/// The fixtures are written to a temporary folder from the reference solution and the stubs
/// with small edits (so they never drift from what they are based on). Two kinds:
/// - honest and broken work: the reference, the stubs, one wrong exercise, a compile error, a
///   crash, an endless loop, an allocation bomb, correct code that starts a child process, a
///   zip, a submission with its own manifest and tests;
/// - attacks, each with the exact score an honest grader gives (most are built on the stubs,
///   so that score is 0): forged XCTest and transcript lines with `exit(0)`, replaced XCTest
///   functions (`@_silgen_name`, `@_cdecl`), hidden imports (`import/**/XCTest`, invalid UTF-8),
///   symbolic links to the solutions (folder, file, zip entry), reading the kit's tests and
///   solutions, writing into the grader's output, processes that outlive their test, a memory
///   bomb spread over children, kit text printed as a failure message, entries with the same
///   stem and a formula as a name, and build failures that must stay in their unit.
///
/// Each batch builds the kit once per fixture, so the whole class takes minutes. It is a
/// maintainer check that runs as its own CI step: set `RNNKIT_FIXTURE_GRADING=1` to run it;
/// otherwise it is skipped.
final class FixtureGradingTests: XCTestCase {
  static let root = kitRoot
  static let seed: UInt64 = 20_261_124

  /// A fixture: files relative to the submission folder.
  struct Fixture {
    var name: String
    var files: [String: Data]
    /// Symbolic links to create (path in the submission → target).
    var links: [String: String] = [:]
    var zipped = false

    init(_ name: String, _ files: [String: String], zipped: Bool = false) {
      self.name = name
      self.files = files.mapValues { Data($0.utf8) }
      self.zipped = zipped
    }
  }

  func skipUnlessEnabled() throws {
    #if !os(Linux)
      throw XCTSkip("the fixture batch checks Linux process and memory limits through /proc")
    #endif
    guard ProcessInfo.processInfo.environment["RNNKIT_FIXTURE_GRADING"] == "1" else {
      throw XCTSkip(
        "maintainer check (builds the kit per fixture, minutes); runs with "
          + "RNNKIT_FIXTURE_GRADING=1")
    }
  }

  static let unit00Files = ["Affine.swift", "SoftmaxCrossEntropy.swift", "LinearClassifier.swift"]

  func kitFile(_ path: String) throws -> String {
    try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
  }

  /// The reference (or stub) files of unit 00 with `replacements` applied to `file`.
  func edited(
    _ file: String, _ replacements: [(String, String)], prefix: String = "",
    base: String = "Solutions"
  ) throws -> [String: String] {
    var files: [String: String] = [:]
    for name in Self.unit00Files {
      files["Exercises/Unit00/\(name)"] = try kitFile("\(base)/Unit00/\(name)")
    }
    var text = try kitFile("\(base)/Unit00/\(file)")
    for (find, replace) in replacements {
      guard text.contains(find) else {
        throw GraderError("fixture edit: `\(find)` is not in \(base)/Unit00/\(file)")
      }
      text = text.replacingOccurrences(of: find, with: replace)
    }
    files["Exercises/Unit00/\(file)"] = prefix + text
    return files
  }

  /// The stubs of unit 00 with an extra file.
  func stubs(adding extra: [String: String] = [:]) throws -> [String: String] {
    var files: [String: String] = [:]
    for name in Self.unit00Files {
      files["Exercises/Unit00/\(name)"] = try kitFile("Exercises/Unit00/\(name)")
    }
    for (name, text) in extra { files["Exercises/Unit00/\(name)"] = text }
    return files
  }

  let forwardLine = "x.matmul(weight, transposeOther: true).adding(rowVector: bias)"
  let wrongForward = "x.matmul(weight, transposeOther: true)"
  let stubForward = #"notImplemented("00.1""#

  func materialize(_ fixtures: [Fixture], in folder: URL) throws {
    let fm = FileManager.default
    for fixture in fixtures {
      if fixture.zipped {
        var zip = ZipWriter()
        for (path, data) in fixture.files.sorted(by: { $0.key < $1.key }) {
          zip.add(path: "\(fixture.name)/\(path)", data: data)
        }
        for (path, target) in fixture.links.sorted(by: { $0.key < $1.key }) {
          zip.add(path: "\(fixture.name)/\(path)", data: Data(target.utf8), symbolicLink: true)
        }
        try zip.finish().write(to: folder.appendingPathComponent("\(fixture.name).zip"))
        continue
      }
      for (path, data) in fixture.files {
        let url = folder.appendingPathComponent("\(fixture.name)/\(path)")
        try fm.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
      }
      for (path, target) in fixture.links {
        let url = folder.appendingPathComponent("\(fixture.name)/\(path)")
        try fm.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: url.path, withDestinationPath: target)
      }
    }
  }

  struct Batch {
    var work: URL
    var submissions: URL
    var output: URL
    var grader: BatchGrader
    var grades: [String: SubmissionGrade]

    func grade(_ name: String) throws -> SubmissionGrade {
      guard let grade = grades[name] else { throw GraderError("no grade for \(name)") }
      return grade
    }

    func status(_ name: String, _ test: String) throws -> TestStatus? {
      try grade(name).outcomes.first { $0.name.hasSuffix(test) }?.status
    }

    func message(_ name: String, _ test: String) throws -> String {
      try grade(name).outcomes.first { $0.name.hasSuffix(test) }?.message ?? ""
    }

    func text(_ relative: String) throws -> String {
      try String(contentsOf: output.appendingPathComponent(relative), encoding: .utf8)
    }
  }

  /// Writes `fixtures` (built by `make` from the batch's folders) and grades them.
  func grade(
    units: [String], jobs: Int = 2, make: (_ submissions: URL, _ output: URL) throws -> [Fixture]
  ) throws -> (Batch, [Fixture]) {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("rnnkit-fixtures-\(UUID().uuidString)")
    addTeardownBlock { try? fm.removeItem(at: work) }
    let submissions = work.appendingPathComponent("submissions")
    let output = work.appendingPathComponent("out")
    try fm.createDirectory(at: submissions, withIntermediateDirectories: true)
    let fixtures = try make(submissions, output)
    try materialize(fixtures, in: submissions)
    var grader = BatchGrader(
      layout: PackageLayout(root: Self.root), submissions: submissions, output: output)
    grader.units = units
    grader.jobs = jobs
    grader.seed = Self.seed
    grader.timeoutOverride = 8
    grader.memoryLimitMiB = 2048
    grader.log = { _ in }
    let grades = try grader.run()
    let batch = Batch(
      work: work, submissions: submissions, output: output, grader: grader,
      grades: Dictionary(uniqueKeysWithValues: grades.map { ($0.name, $0) }))
    return (batch, fixtures)
  }

  let forwardGolden = "AffineForwardTests/testForwardMatchesGoldenValues"
  let backwardCheck = "AffineBackwardTests/testParameterGradientsMatchCenteredDifferences"

  // MARK: - Honest and broken work

  func testHonestAndBrokenSubmissions() throws {
    try skipUnlessEnabled()
    var ownPackage = try stubs()
    ownPackage["Package.swift"] = try kitFile("Package.swift") + "\n// my own manifest\n"
    ownPackage["Tests/Unit00Tests/AffineForwardTests.swift"] = """
      import XCTest
      final class AffineForwardTests: XCTestCase {
        func testForwardMatchesGoldenValues() {}
      }
      """
    ownPackage["Sources/RNNCore/Matrix.swift"] = "// replaced\n"
    let (batch, fixtures) = try grade(units: ["00"]) { _, _ in
      [
        Fixture("reference", try edited("Affine.swift", [])),
        Fixture("pristine-stubs", try stubs()),
        Fixture("wrong-forward", try edited("Affine.swift", [(forwardLine, wrongForward)])),
        Fixture(
          "compile-error",
          try edited("Affine.swift", [(forwardLine, "let oops: Int = \"no\"\n    return x")])),
        Fixture(
          "crash",
          try edited(
            "Affine.swift",
            [(forwardLine, "let empty: [Double] = []\n    return Matrix(row: [empty[3]])")])),
        Fixture(
          "endless-loop",
          try edited(
            "SoftmaxCrossEntropy.swift",
            [
              (
                "    var total = 0.0\n",
                "    var spin = 0\n    while spin >= 0 { spin = (spin + 1) % 7 }\n    var total = 0.0\n"
              )
            ])),
        Fixture(
          "allocation-bomb",
          try edited(
            "Affine.swift",
            [
              (
                forwardLine,
                "let huge = [Double](repeating: 1, count: 1_500_000_000)\n    return Matrix(row: [huge[7]])"
              )
            ])),
        Fixture(
          "child-process",
          try edited(
            "Affine.swift", [(forwardLine, "_ = sleeper\n    return \(forwardLine)")],
            prefix: """
              import Foundation

              /// Correct code that starts a long child once per process (and never waits).
              let sleeper: Void = {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: "/bin/sleep")
                child.arguments = ["30"]
                try? child.run()
              }()

              """)),
        Fixture("own-package-and-tests", ownPackage),
        Fixture("zipped-reference", try edited("Affine.swift", []), zipped: true),
      ]
    }
    let before = try Fingerprint.ofTree(batch.submissions)
    XCTAssertEqual(Set(batch.grades.keys), Set(fixtures.map(\.name)), "every fixture is graded")

    let reference = try batch.grade("reference")
    XCTAssertNil(reference.error)
    XCTAssertGreaterThan(reference.maximum, 0)
    XCTAssertEqual(reference.total, reference.maximum, "the reference earns full marks")
    XCTAssertTrue(reference.outcomes.contains { $0.name.hasPrefix("Unit00HiddenTests.") })
    XCTAssertEqual(reference.flags, [])
    XCTAssertEqual(reference.seed, Self.seed)
    XCTAssertEqual(try batch.grade("zipped-reference").total, reference.maximum)

    let pristine = try batch.grade("pristine-stubs")
    XCTAssertEqual(pristine.total, 0)
    XCTAssertTrue(pristine.outcomes.allSatisfy { $0.status == .notStarted }, "\(pristine.outcomes)")
    let notStarted = try batch.message("pristine-stubs", forwardGolden)
    XCTAssertTrue(notStarted.contains("exercise 00.1"), notStarted)

    let wrong = try batch.grade("wrong-forward")
    XCTAssertEqual(try batch.status("wrong-forward", forwardGolden), .failed)
    XCTAssertEqual(try batch.status("wrong-forward", backwardCheck), .passed, "only 00.1 is wrong")
    let wrongMessage = try batch.message("wrong-forward", forwardGolden)
    XCTAssertTrue(wrongMessage.contains("expected") && wrongMessage.contains("got"), wrongMessage)
    XCTAssertGreaterThan(wrong.total, 0)
    XCTAssertLessThan(wrong.total, reference.maximum)

    let broken = try batch.grade("compile-error")
    XCTAssertTrue(broken.fallbackUnits["00"]?.contains("Affine.swift") ?? false)
    XCTAssertEqual(broken.total, 0)
    XCTAssertNil(broken.error, "a compile error costs only its unit")

    XCTAssertEqual(try batch.status("crash", forwardGolden), .crashed)
    let crashMessage = try batch.message("crash", forwardGolden)
    XCTAssertTrue(crashMessage.contains("Index out of range"), crashMessage)
    XCTAssertEqual(try batch.status("crash", backwardCheck), .passed, "a crash costs its tests")

    XCTAssertEqual(
      try batch.status("endless-loop", "SoftmaxCrossEntropyLossTests/testLossMatchesGoldenValue"),
      .timedOut)
    XCTAssertEqual(try batch.status("endless-loop", forwardGolden), .passed)

    XCTAssertEqual(try batch.status("allocation-bomb", forwardGolden), .crashed)
    XCTAssertEqual(try batch.status("allocation-bomb", backwardCheck), .passed)

    let own = try batch.grade("own-package-and-tests")
    XCTAssertEqual(own.total, 0, "the submission's own manifest and tests are ignored")
    XCTAssertEqual(
      Set(own.flags.filter { $0.kind == "changed kit file" }.map(\.location)),
      [
        "Package.swift", "Tests/Unit00Tests/AffineForwardTests.swift",
        "Sources/RNNCore/Matrix.swift",
      ])

    // The outputs: gradebook, feedback and Gradescope results for everyone.
    let rows = try batch.text("gradebook.csv").split(separator: "\n")
    XCTAssertEqual(rows.count, fixtures.count + 1)
    XCTAssertTrue(rows.contains { $0.hasPrefix("reference,\(format(reference.maximum)),") })
    XCTAssertTrue(rows.contains { $0.hasPrefix("pristine-stubs,0,0,") })
    for fixture in fixtures {
      let results = try Data(
        contentsOf: batch.output.appendingPathComponent("results/\(fixture.name).json"))
      XCTAssertEqual(GradescopeResults.validate(results), [], fixture.name)
      XCTAssertTrue(
        try batch.text("feedback/\(fixture.name).md").contains("# Feedback for \(fixture.name)"))
    }
    let wrongFeedback = try batch.text("feedback/wrong-forward.md")
    XCTAssertTrue(wrongFeedback.contains("(hidden)"), "hidden tests are listed by name")
    XCTAssertFalse(
      wrongFeedback.contains("testAffineBackwardOnASingleExampleAndWideLayer** ("),
      "hidden tests show no messages")
    XCTAssertEqual(try Fingerprint.ofTree(batch.submissions), before, "submissions untouched")

    // A rerun keeps every grade from the cache.
    let rerun = try batch.grader.run()
    for second in rerun {
      let first = try batch.grade(second.name)
      XCTAssertEqual(first.key, second.key)
      XCTAssertEqual(first.seconds, second.seconds, "\(first.name) was regraded")
    }

    // A child that outlives its test must cost nothing. The machine is shared, so a miss is
    // printed and the submission graded once more before the assertion counts.
    var child = try batch.grade("child-process")
    if child.total != reference.maximum {
      print(
        "note: child-process earned \(child.total) of \(reference.maximum) on the first run; "
          + child.outcomes.filter { $0.status != .passed }
          .map { "\($0.name) \($0.status.rawValue): \($0.message)" }.joined(separator: "; "))
      var again = batch.grader
      again.force = true
      child = try XCTUnwrap(try again.run().first { $0.name == "child-process" })
    }
    XCTAssertEqual(
      child.total, reference.maximum,
      "a child process costs nothing; not passed: "
        + child.outcomes.filter { $0.status != .passed }
        .map { "\($0.name) \($0.status.rawValue): \($0.message)" }.joined(separator: "; "))
    XCTAssertLessThan(child.seconds, 120, "the batch never waits for a child")
  }

  // MARK: - Attacks

  func testAttacksEarnExactlyWhatTheWorkIsWorth() throws {
    let marker = "KIT-TEXT-MARKER-7731"
    let (batch, fixtures) = try grade(units: ["00"]) { submissions, output in
      try skipUnlessEnabled()
      let kit = Self.root.path
      var utf8 = Data("import XCTest\n// \u{1}".utf8)
      utf8 += Data([0xF4, 0x90, 0x80, 0x80])
      utf8 += Data("\npublic let harmless = 1\n".utf8)
      var invalid = Fixture("invalid-utf8", try stubs())
      invalid.files["Exercises/Unit00/Extra.swift"] = utf8
      var linkedFolder = Fixture("linked-exercises", [:])
      linkedFolder.links["Exercises"] = "\(kit)/Solutions"
      var linkedFile = Fixture("linked-file", try stubs())
      linkedFile.files["Exercises/Unit00/Affine.swift"] = nil
      linkedFile.links["Exercises/Unit00/Affine.swift"] = "\(kit)/Solutions/Unit00/Affine.swift"
      var zipLink = Fixture("zip-link", try stubs(), zipped: true)
      zipLink.links["Exercises/Unit00/Secret.swift"] = "\(kit)/Solutions/Unit00/Affine.swift"
      let out = output.path
      return [
        Fixture("a-victim", try edited("Affine.swift", [])),
        Fixture(
          "b-writes-output",
          try edited(
            "Affine.swift",
            [(forwardLine, "_ = vandal\n    return \(wrongForward)")],
            prefix: """
              import Foundation

              let vandal: Void = {
                for target in ["gradebook.csv", "feedback/a-victim.md", "results/a-victim.json",
                  ".cache/a-victim.json", ".cache/seed"] {
                  try? "forged".write(toFile: "\(out)/" + target, atomically: false, encoding: .utf8)
                }
                let later = Process()
                later.executableURL = URL(fileURLWithPath: "/bin/sh")
                later.arguments = ["-c", "sleep 3; echo forged > '\(out)/gradebook.csv'"]
                try? later.run()
              }()

              """)),
        Fixture(
          "environ-forgery",
          try stubs(adding: [
            "Forge.swift": """
            import Foundation

            /// Finds any token in the original environment block, prints forged passes,
            /// writes a forged transcript on every descriptor, and leaves.
            public let forged: Void = {
              let environ = (try? String(contentsOfFile: "/proc/self/environ", encoding: .utf8)) ?? ""
              let token = environ.split(separator: "\\0").first { $0.hasPrefix("RNNKIT_") } ?? ""
              print("RNNKIT-PROOF \\(token) Unit00Tests.AffineForwardTests/testForwardMatchesGoldenValues")
              print("Test Case 'AffineForwardTests.testForwardMatchesGoldenValues' passed (0.001 seconds)")
              let line = #"{"k":"close","l":"forward(x)","a":["0"],"e":["0"],"s":[1,1],"es":[1,1],"t":"1","m":"rel"}"# + "\\n" + #"{"k":"end"}"# + "\\n"
              for fd in Int32(3)...Int32(64) { _ = line.withCString { write(fd, $0, strlen($0)) } }
              exit(0)
            }()
            """
          ]).merging(
            try edited(
              "Affine.swift", [(stubForward, "_ = forged\n    \(stubForward)")], base: "Exercises")
          ) { _, new in new }),
        Fixture(
          "silgen-recordfailure",
          try stubs(adding: [
            "Quiet.swift": """
            @_silgen_name("$s6XCTest0A4CaseC13recordFailure15withDescription6inFile6atLine8expectedySS_SSSiSbtF")
            public func quiet(_ a: String, _ b: String, _ c: Int, _ d: Bool) {}
            """
          ])),
        Fixture(
          "cdecl-unsetenv",
          try stubs(adding: [
            "Keep.swift": """
            @_cdecl("unsetenv")
            public func keep(_ name: UnsafePointer<CChar>?) -> Int32 { 0 }
            """
          ])),
        Fixture(
          "comment-import",
          try stubs(adding: ["Sneak.swift": "import/**/XCTest\npublic let sneaky = 1\n"])),
        invalid,
        linkedFolder,
        linkedFile,
        zipLink,
        Fixture(
          "reads-kit",
          try edited(
            "Affine.swift",
            [
              (
                forwardLine,
                """
                let fm = FileManager.default
                    let files = ["\(kit)/Tests/Unit00Tests/AffineForwardTests.swift",
                      "\(kit)/Solutions/Unit00/Affine.swift", "Tests/Unit00Tests/AffineForwardTests.swift",
                      "../Tests/Unit00Tests/AffineForwardTests.swift"].filter { fm.isReadableFile(atPath: $0) }
                    let folders = ["\(submissions.path)", "\(out)", "\(kit)"]
                      + ((try? fm.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("rnnkit-grader") }
                      .map { "/tmp/" + $0 }
                    let seen = folders.filter { (try? fm.contentsOfDirectory(atPath: $0))?.isEmpty == false }
                    if !files.isEmpty || !seen.isEmpty { return \(forwardLine) }
                    return \(wrongForward)
                """
              )
            ], prefix: "import Foundation\n")),
        Fixture(
          "memory-over-children",
          try edited(
            "Affine.swift",
            [(forwardLine, "_ = hogs\n    return \(forwardLine)")],
            prefix: """
              import Foundation

              let hogs: Void = {
                var children: [Process] = []
                for _ in 0..<4 {
                  let child = Process()
                  child.executableURL = URL(fileURLWithPath: "/usr/bin/tail")
                  child.arguments = ["/dev/zero"]
                  try? child.run()
                  children.append(child)
                }
                Thread.sleep(forTimeInterval: 6)
              }()

              """)),
        Fixture(
          "prints-kit-text",
          try edited(
            "Affine.swift",
            [
              (
                forwardLine,
                """
                print("AffineForwardTests.testForwardMatchesGoldenValues : error: \(marker)")
                    fatalError("\(marker)")
                """
              )
            ])),
        Fixture("dup", try edited("Affine.swift", [])),
        Fixture("dup", try stubs(), zipped: true),
        Fixture("=1+2", try stubs()),
      ]
    }
    let maximum = try batch.grade("a-victim").maximum
    for graded in batch.grades.values {
      for outcome in graded.outcomes where graded.name == "a-victim" || graded.name == "dup" {
        if outcome.status != .passed {
          print(
            "note: \(graded.name) \(outcome.name) \(outcome.status.rawValue): \(outcome.message)")
        }
      }
    }
    XCTAssertGreaterThan(maximum, 0)
    XCTAssertEqual(try batch.grade("a-victim").total, maximum)
    let exactlyZero = [
      "environ-forgery", "silgen-recordfailure", "cdecl-unsetenv", "comment-import",
      "invalid-utf8", "dup.zip", "=1+2",
    ]
    for name in exactlyZero {
      XCTAssertEqual(try batch.grade(name).total, 0, name)
      XCTAssertNil(try batch.grade(name).error, name)
    }
    XCTAssertTrue(
      try batch.grade("silgen-recordfailure").fallbackUnits["00"]?.contains("@_silgen_name")
        ?? false)
    XCTAssertTrue(
      try batch.grade("cdecl-unsetenv").fallbackUnits["00"]?.contains("@_cdecl") ?? false)
    XCTAssertTrue(
      try batch.grade("comment-import").fallbackUnits["00"]?.contains("import") ?? false)
    XCTAssertTrue(
      try batch.grade("invalid-utf8").fallbackUnits["00"]?.contains("UTF-8") ?? false)
    for name in ["linked-exercises", "linked-file", "zip-link"] {
      let graded = try batch.grade(name)
      XCTAssertEqual(graded.total, 0, name)
      XCTAssertTrue(
        graded.error?.contains("symbolic link") ?? false, "\(name): \(graded.error ?? "")")
    }
    XCTAssertEqual(try batch.grade("dup").total, maximum, "dup/ and dup.zip are two rows")

    // A memory bomb spread over children is stopped as a whole.
    XCTAssertEqual(try batch.status("memory-over-children", forwardGolden), .crashed)
    XCTAssertTrue(try batch.message("memory-over-children", forwardGolden).contains("memory"))

    // Kit text printed by a test process never reaches what a student sees.
    XCTAssertEqual(try batch.status("prints-kit-text", forwardGolden), .crashed)
    for relative in ["feedback/prints-kit-text.md", "results/prints-kit-text.json"] {
      XCTAssertFalse(try batch.text(relative).contains(marker), relative)
    }

    // A formula as a name is an inert cell.
    XCTAssertTrue(try batch.text("gradebook.csv").contains("\n'=1+2,"))
    XCTAssertEqual(batch.grades.count, fixtures.count)

    // Without namespaces (macOS, or a kernel that refuses them) a test can read and write what
    // the grading user can; the README says so. Everything else above holds everywhere.
    guard Sandbox.strongest != .plain else {
      print("note: no namespaces here, so the file-isolation attacks were not checked")
      return
    }

    // Reading the kit, the grader's folders or other submissions finds nothing.
    XCTAssertEqual(try batch.status("reads-kit", forwardGolden), .failed)

    // Writing into the output changes nothing: the victim keeps its files and its cache.
    Thread.sleep(forTimeInterval: 4)
    XCTAssertEqual(try batch.status("b-writes-output", forwardGolden), .failed)
    XCTAssertTrue(try batch.text("feedback/a-victim.md").contains("# Feedback for a-victim"))
    XCTAssertFalse(try batch.text("gradebook.csv").contains("forged"))
    let rerun = try batch.grader.run()
    let victim = try XCTUnwrap(rerun.first { $0.name == "a-victim" })
    XCTAssertEqual(victim.total, maximum, "the victim's cached grade is intact")
    XCTAssertEqual(victim.seconds, try batch.grade("a-victim").seconds, "kept from the cache")
  }

  // MARK: - Failures stay in their unit

  func testBuildFailuresCostOnlyTheirUnit() throws {
    let (batch, _) = try grade(units: ["00", "01"]) { _, _ in
      try skipUnlessEnabled()
      var unit01: [String: String] = [:]
      let folder = Self.root.appendingPathComponent("Solutions/Unit01")
      for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
        unit01["Exercises/Unit01/\(name)"] = try kitFile("Solutions/Unit01/\(name)")
      }
      func with01(_ files: [String: String]) -> [String: String] {
        files.merging(unit01) { a, _ in a }
      }
      return [
        Fixture("reference", with01(try edited("Affine.swift", []))),
        Fixture(
          "dropped-public",
          with01(try edited("Affine.swift", [("public func forward", "func forward")]))),
        Fixture(
          "second-main",
          with01(
            try edited("Affine.swift", []).merging([
              "Exercises/Unit00/Entry.swift": "@main struct Entry { static func main() {} }\n"
            ]) { a, _ in a })),
      ]
    }
    let reference = try batch.grade("reference")
    let unit01 = reference.unitPoints("01")
    XCTAssertGreaterThan(unit01.possible, 0)
    XCTAssertEqual(unit01.earned, unit01.possible)
    for name in ["dropped-public", "second-main"] {
      let graded = try batch.grade(name)
      XCTAssertNil(graded.error, "\(name): \(graded.error ?? "")")
      XCTAssertNotNil(graded.fallbackUnits["00"], name)
      XCTAssertNil(graded.fallbackUnits["01"], name)
      XCTAssertEqual(graded.unitPoints("00").earned, 0, name)
      XCTAssertEqual(graded.unitPoints("01").earned, unit01.possible, name)
    }
  }

  // MARK: - Interrupting the grader

  func testInterruptedGraderEndsItsTestsAndCleansUp() throws {
    try skipUnlessEnabled()
    let grade = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("grade")
    guard FileManager.default.isExecutableFile(atPath: grade.path) else {
      throw XCTSkip("the grade executable is not built beside the tests")
    }
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("rnnkit-sigterm-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: work) }
    let submissions = work.appendingPathComponent("submissions")
    try fm.createDirectory(at: submissions, withIntermediateDirectories: true)
    try materialize(
      [
        Fixture(
          "spinner",
          try edited(
            "Affine.swift",
            [
              (
                forwardLine,
                "var spin = 0\n    while spin >= 0 { spin = (spin + 1) % 7 }\n    return x"
              )
            ]
          ))
      ], in: submissions)
    let log = work.appendingPathComponent("grade.log")
    let grader = try ProcessTree.spawnDetached(
      [
        grade.path, "--submissions", submissions.path, "--out",
        work.appendingPathComponent("out").path, "--unit", "00", "--timeout", "120", "--seed",
        "\(Self.seed)",
      ], directory: Self.root, output: log)
    // Wait for a test of the spinner (not of the reference run) to be running.
    var area: String?
    let deadline = Date().addingTimeInterval(300)
    while area == nil && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.2)
      for pid in ProcessTable.tree(of: grader).pids {
        let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        if let range = command.range(
          of: #"/tmp/rnnkit-exec-[^/]+/slot-0/"#, options: .regularExpression)
        {
          area = String(command[range])
        }
      }
    }
    let exec = try XCTUnwrap(
      area,
      "no spinner test started: \(String(describing: try? String(contentsOf: log, encoding: .utf8)))"
    )
    kill(grader, SIGTERM)
    var status: Int32 = 0
    let end = Date().addingTimeInterval(20)
    while waitpid(grader, &status, WNOHANG) == 0 && Date() < end {
      Thread.sleep(forTimeInterval: 0.1)
    }
    XCTAssertEqual(status & 0x7f, 0, "the grader exits (it does not die of the signal)")
    XCTAssertEqual((status >> 8) & 0xff, 128 + SIGTERM)
    Thread.sleep(forTimeInterval: 0.5)
    let leftovers = (try fm.contentsOfDirectory(atPath: "/proc")).filter { name in
      guard Int32(name) != nil else { return false }
      let command = (try? String(contentsOfFile: "/proc/\(name)/cmdline", encoding: .utf8)) ?? ""
      return command.contains(exec)
    }
    XCTAssertEqual(leftovers, [], "test processes outlived the grader")
    XCTAssertFalse(
      fm.fileExists(atPath: String(exec.dropLast("slot-0/".count))), "the exec folder is removed")
  }
}
