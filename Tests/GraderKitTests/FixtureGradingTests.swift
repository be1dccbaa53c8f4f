import Foundation
import XCTest

@testable import GraderKit

/// Grades a batch of fixture submissions against unit 00 and checks every grade, the
/// gradebook, the feedback, the Gradescope results and the tamper report.
///
/// The fixtures are written to a temporary folder from the reference solution with small
/// edits (so they never drift from the solution they are based on): the reference itself,
/// the pristine stubs, one wrong exercise, a compile error, a crash, an endless loop, `exit(0)`,
/// forged "passed" lines, home-made assertion functions, an `import XCTest` with shadowing
/// members, code that looks for the solutions and hidden tests, an allocation bomb, a
/// submission with its own `Package.swift` and tests, and a zip.
///
/// This builds the kit several times, so it takes a few minutes. It is a maintainer test: it
/// runs in solutions mode (`RNNKIT_SOLUTIONS=1`), and is skipped otherwise.
final class FixtureGradingTests: XCTestCase {
  static let root = kitRoot

  /// A fixture: files relative to the submission folder.
  struct Fixture {
    var name: String
    var files: [String: String]
    var zipped = false
  }

  func solution(_ file: String) throws -> String {
    try String(
      contentsOf: Self.root.appendingPathComponent("Solutions/Unit00/\(file)"), encoding: .utf8)
  }

  func stub(_ file: String) throws -> String {
    try String(
      contentsOf: Self.root.appendingPathComponent("Exercises/Unit00/\(file)"), encoding: .utf8)
  }

  /// The reference files with `replacements` applied to `file` (each text must occur).
  func edited(
    _ file: String, _ replacements: [(String, String)], prefix: String = ""
  ) throws
    -> [String: String]
  {
    var files: [String: String] = [:]
    for name in ["Affine.swift", "SoftmaxCrossEntropy.swift", "LinearClassifier.swift"] {
      files["Exercises/Unit00/\(name)"] = try solution(name)
    }
    var text = try solution(file)
    for (find, replace) in replacements {
      guard text.contains(find) else {
        throw GraderError("fixture edit: `\(find)` is not in Solutions/Unit00/\(file)")
      }
      text = text.replacingOccurrences(of: find, with: replace)
    }
    files["Exercises/Unit00/\(file)"] = prefix + text
    return files
  }

  let forwardLine = "x.matmul(weight, transposeOther: true).adding(rowVector: bias)"
  let wrongForward = "x.matmul(weight, transposeOther: true)"

  func fixtures() throws -> [Fixture] {
    var stubs: [String: String] = [:]
    for name in ["Affine.swift", "SoftmaxCrossEntropy.swift", "LinearClassifier.swift"] {
      stubs["Exercises/Unit00/\(name)"] = try stub(name)
    }
    var ownPackage = stubs
    let manifest = try String(
      contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
    ownPackage["Package.swift"] = manifest + "\n// my own manifest\n"
    ownPackage["Tests/Unit00Tests/AffineForwardTests.swift"] = """
      import XCTest
      final class AffineForwardTests: XCTestCase {
        func testForwardMatchesGoldenValues() {}
      }
      """
    ownPackage["Sources/RNNCore/Matrix.swift"] = "// replaced\n"
    return [
      Fixture(name: "reference", files: try edited("Affine.swift", [])),
      Fixture(name: "pristine-stubs", files: stubs),
      Fixture(
        name: "wrong-forward", files: try edited("Affine.swift", [(forwardLine, wrongForward)])),
      Fixture(
        name: "compile-error",
        files: try edited("Affine.swift", [(forwardLine, "let oops: Int = \"no\"\n    return x")])),
      Fixture(
        name: "crash",
        files: try edited(
          "Affine.swift",
          [(forwardLine, "let empty: [Double] = []\n    return Matrix(row: [empty[3]])")])),
      Fixture(
        name: "endless-loop",
        files: try edited(
          "SoftmaxCrossEntropy.swift",
          [
            (
              "    var total = 0.0\n",
              "    var spin = 0\n    while spin >= 0 { spin = (spin + 1) % 7 }\n    var total = 0.0\n"
            )
          ])),
      Fixture(
        name: "exit-zero",
        files: try edited("Affine.swift", [(forwardLine, "exit(0)")], prefix: "import Foundation\n")
      ),
      Fixture(
        name: "fake-pass-lines",
        files: try edited(
          "Affine.swift",
          [
            (
              forwardLine,
              """
              print("Test Case 'AffineForwardTests.testForwardMatchesGoldenValues' passed (0.001 seconds)")
                  print("RNNKIT-PROOF 0123456789 Unit00Tests.AffineForwardTests/testForwardMatchesGoldenValues")
                  print("Executed 1 test, with 0 failures (0 unexpected) in 0.001 (0.001) seconds")
                  exit(0)
              """
            )
          ], prefix: "import Foundation\n")),
      Fixture(
        name: "shadow-assertions",
        files: try edited(
          "Affine.swift", [(forwardLine, wrongForward)],
          prefix: """
            public func XCTAssertEqual<T>(_ a: T, _ b: T, _ message: String = "") {}
            public func XCTFail(_ message: String = "", file: StaticString = #filePath, line: UInt = #line) {}
            public func assertClose(
              _ a: Matrix, _ b: Matrix, tolerance: Double = 0, _ what: String = "",
              hint: String = "", file: StaticString = #filePath, line: UInt = #line
            ) {}

            """)),
      Fixture(
        name: "imports-xctest",
        files: try edited(
          "Affine.swift", [(forwardLine, wrongForward)],
          prefix: """
            import XCTest
            extension XCTestCase {
              public func XCTFail(_ message: String = "", file: StaticString = #filePath, line: UInt = #line) {}
            }

            """)),
      Fixture(
        name: "reads-solutions",
        files: try edited(
          "Affine.swift",
          [
            (
              forwardLine,
              """
              let hidden = try? String(contentsOfFile: "Grader/HiddenTests/Unit00HiddenTests/x.swift")
                  for path in ["Solutions/Unit00/Affine.swift", "../Solutions/Unit00/Affine.swift",
                    "../../Solutions/Unit00/Affine.swift"] where hidden == nil {
                    if FileManager.default.fileExists(atPath: path) { return \(forwardLine) }
                  }
                  return \(wrongForward)
              """
            )
          ], prefix: "import Foundation\n")),
      Fixture(
        name: "allocation-bomb",
        files: try edited(
          "Affine.swift",
          [
            (
              forwardLine,
              "let huge = [Double](repeating: 1, count: 1_500_000_000)\n    return Matrix(row: [huge[7]])"
            )
          ])),
      Fixture(name: "own-package-and-tests", files: ownPackage),
      Fixture(name: "zipped-reference", files: try edited("Affine.swift", []), zipped: true),
    ]
  }

  func materialize(_ fixtures: [Fixture], in folder: URL) throws {
    let fm = FileManager.default
    for fixture in fixtures {
      if fixture.zipped {
        var zip = ZipWriter()
        for (path, text) in fixture.files.sorted(by: { $0.key < $1.key }) {
          zip.add(path: "\(fixture.name)/\(path)", data: Data(text.utf8))
        }
        try zip.finish().write(to: folder.appendingPathComponent("\(fixture.name).zip"))
        continue
      }
      for (path, text) in fixture.files {
        let url = folder.appendingPathComponent("\(fixture.name)/\(path)")
        try fm.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
      }
    }
  }

  func testBatchOverFixtureSubmissions() throws {
    guard ProcessInfo.processInfo.environment["RNNKIT_SOLUTIONS"] == "1" else {
      throw XCTSkip("maintainer check (builds the kit per fixture); runs with RNNKIT_SOLUTIONS=1")
    }
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("rnnkit-fixtures-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: work) }
    let submissions = work.appendingPathComponent("submissions")
    let output = work.appendingPathComponent("out")
    try fm.createDirectory(at: submissions, withIntermediateDirectories: true)
    let fixtures = try fixtures()
    try materialize(fixtures, in: submissions)
    let before = try Fingerprint.ofTree(submissions)

    var grader = BatchGrader(
      layout: PackageLayout(root: Self.root), submissions: submissions, output: output)
    grader.units = ["00"]
    grader.timeoutOverride = 4
    grader.memoryLimitMiB = 2048
    grader.log = { _ in }
    let grades = try grader.run()
    let byName = Dictionary(uniqueKeysWithValues: grades.map { ($0.name, $0) })
    XCTAssertEqual(Set(byName.keys), Set(fixtures.map(\.name)), "every fixture is graded")
    XCTAssertEqual(try Fingerprint.ofTree(submissions), before, "submissions are never modified")

    func grade(_ name: String) throws -> SubmissionGrade {
      try XCTUnwrap(byName[name], "no grade for \(name)")
    }
    func status(_ name: String, _ test: String) throws -> TestStatus? {
      try grade(name).outcomes.first { $0.name.hasSuffix(test) }?.status
    }
    func flagKinds(_ name: String) throws -> Set<String> { Set(try grade(name).flags.map(\.kind)) }

    let reference = try grade("reference")
    XCTAssertNil(reference.error)
    XCTAssertGreaterThan(reference.maximum, 0)
    XCTAssertEqual(reference.total, reference.maximum, "the reference earns full marks")
    XCTAssertTrue(reference.outcomes.contains { $0.name.hasPrefix("Unit00HiddenTests.") })
    XCTAssertEqual(reference.flags, [])
    XCTAssertEqual(try grade("zipped-reference").total, reference.maximum, "a zip is graded too")

    let stubs = try grade("pristine-stubs")
    XCTAssertEqual(stubs.total, 0)
    XCTAssertTrue(stubs.outcomes.allSatisfy { $0.status == .notStarted }, "\(stubs.outcomes)")

    let forwardGolden = "AffineForwardTests/testForwardMatchesGoldenValues"
    let backwardCheck = "AffineBackwardTests/testParameterGradientsMatchCenteredDifferences"
    let wrong = try grade("wrong-forward")
    XCTAssertEqual(try status("wrong-forward", forwardGolden), .failed)
    XCTAssertEqual(try status("wrong-forward", backwardCheck), .passed, "only 00.1 is wrong")
    XCTAssertTrue(
      wrong.outcomes.first { $0.name.hasSuffix(forwardGolden) }?.message.contains("expected")
        ?? false)
    XCTAssertGreaterThan(wrong.total, 0)
    XCTAssertLessThan(wrong.total, reference.maximum)

    let broken = try grade("compile-error")
    XCTAssertNotNil(broken.fallbackUnits["00"], "the unit falls back to the stubs")
    XCTAssertTrue(broken.fallbackUnits["00"]?.contains("Affine.swift") ?? false)
    XCTAssertEqual(broken.total, 0)
    XCTAssertNil(broken.error, "a compile error costs only its unit")

    XCTAssertEqual(try status("crash", forwardGolden), .crashed)
    XCTAssertEqual(try status("crash", backwardCheck), .passed, "a crash costs only its tests")

    XCTAssertEqual(
      try status("endless-loop", "SoftmaxCrossEntropyLossTests/testLossMatchesGoldenValue"),
      .timedOut)
    XCTAssertEqual(try status("endless-loop", forwardGolden), .passed)

    for cheater in ["exit-zero", "fake-pass-lines"] {
      XCTAssertNotEqual(try status(cheater, forwardGolden), .passed, cheater)
      XCTAssertTrue(try flagKinds(cheater).contains("exit"), cheater)
    }
    XCTAssertTrue(try flagKinds("fake-pass-lines").contains("printing"))

    XCTAssertEqual(try status("shadow-assertions", forwardGolden), .failed)
    XCTAssertTrue(try flagKinds("shadow-assertions").contains("test-name shadowing"))

    let xctest = try grade("imports-xctest")
    XCTAssertTrue(xctest.fallbackUnits["00"]?.contains("may not import XCTest") ?? false)
    XCTAssertEqual(xctest.total, 0)
    XCTAssertTrue(try flagKinds("imports-xctest").contains("XCTest"))

    XCTAssertEqual(try status("reads-solutions", forwardGolden), .failed)
    XCTAssertTrue(try flagKinds("reads-solutions").contains("file I/O"))

    XCTAssertEqual(try status("allocation-bomb", forwardGolden), .crashed)
    XCTAssertEqual(try status("allocation-bomb", backwardCheck), .passed)

    let own = try grade("own-package-and-tests")
    XCTAssertEqual(own.total, 0, "the submission's own manifest and tests are ignored")
    XCTAssertEqual(
      Set(own.flags.filter { $0.kind == "changed kit file" }.map(\.location)),
      [
        "Package.swift", "Tests/Unit00Tests/AffineForwardTests.swift",
        "Sources/RNNCore/Matrix.swift",
      ])

    // The outputs: gradebook, feedback and Gradescope results for everyone.
    let gradebook = try String(
      contentsOf: output.appendingPathComponent("gradebook.csv"), encoding: .utf8)
    let rows = gradebook.split(separator: "\n")
    XCTAssertEqual(rows.count, fixtures.count + 1)
    XCTAssertTrue(rows.contains { $0.hasPrefix("reference,\(format(reference.maximum)),") })
    XCTAssertTrue(rows.contains { $0.hasPrefix("pristine-stubs,0,0,") })
    for fixture in fixtures {
      let results = try Data(
        contentsOf: output.appendingPathComponent("results/\(fixture.name).json"))
      XCTAssertEqual(GradescopeResults.validate(results), [], fixture.name)
      let feedback = try String(
        contentsOf: output.appendingPathComponent("feedback/\(fixture.name).md"), encoding: .utf8)
      XCTAssertTrue(feedback.contains("# Feedback for \(fixture.name)"))
    }
    let wrongFeedback = try String(
      contentsOf: output.appendingPathComponent("feedback/wrong-forward.md"), encoding: .utf8)
    XCTAssertTrue(wrongFeedback.contains("(hidden)"), "hidden tests are listed by name")
    XCTAssertFalse(
      wrongFeedback.contains("testAffineBackwardOnASingleExampleAndWideLayer** ("),
      "hidden tests show no messages")

    // A rerun keeps every grade from the cache.
    let rerun = try grader.run()
    for (first, second) in zip(
      grades.sorted { $0.name < $1.name }, rerun.sorted { $0.name < $1.name })
    {
      XCTAssertEqual(first.key, second.key)
      XCTAssertEqual(first.seconds, second.seconds, "\(first.name) was regraded")
    }
  }
}
