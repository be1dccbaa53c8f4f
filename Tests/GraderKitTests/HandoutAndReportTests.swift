import Foundation
import XCTest

@testable import GraderKit

final class TamperScannerTests: XCTestCase {
  func testFlagsSuspiciousCodeWithFileAndLine() {
    let source = """
      import Foundation
      // exit(0) in a comment is fine
      func f() -> Int {
        let text = try? String(contentsOfFile: "../Solutions/Unit00/Affine.swift")
        print("Test Case 'X.testY' passed (0.001 seconds)")
        exit(0)
      }
      public func XCTAssertEqual(_ a: Int, _ b: Int) {}
      """
    let findings = TamperScanner.scan(source: source, file: "Exercises/Unit00/A.swift")
    let byKind = Dictionary(findings.map { ($0.kind, $0.location) }) { a, _ in a }
    XCTAssertEqual(byKind["exit"], "Exercises/Unit00/A.swift:6")
    XCTAssertEqual(byKind["file I/O"], "Exercises/Unit00/A.swift:4")
    XCTAssertEqual(byKind["printing"], "Exercises/Unit00/A.swift:5")
    XCTAssertEqual(byKind["test-name shadowing"], "Exercises/Unit00/A.swift:8")
  }

  func testCleanExerciseCodeIsNotFlagged() {
    let source = """
      import RNNCore
      public func forward(_ x: Matrix, _ w: Matrix) -> Matrix {
        x.matmul(w, transposeOther: true).map { max(0, $0) }
      }
      """
    XCTAssertEqual(TamperScanner.scan(source: source, file: "A.swift"), [])
  }
}

final class GradescopeResultsTests: XCTestCase {
  func grade() -> SubmissionGrade {
    let outcomes = [
      TestOutcome(
        name: "Unit00Tests.AffineForwardTests/testA", status: .passed, message: "", seconds: 0.1),
      TestOutcome(
        name: "Unit00Tests.AffineForwardTests/testB", status: .failed,
        message: "forward(x): expected 1, got 2", seconds: 0.1),
      TestOutcome(
        name: "Unit00HiddenTests.Unit00HiddenTests/testC", status: .failed,
        message: "secret details", seconds: 0.1),
    ]
    return SubmissionGrade(
      name: "alice", key: "k", outcomes: outcomes,
      points: [outcomes[0].name: 2, outcomes[1].name: 0, outcomes[2].name: 0],
      possible: [outcomes[0].name: 2, outcomes[1].name: 2, outcomes[2].name: 1],
      fallbackUnits: [:], flags: [], error: nil, seconds: 3)
  }

  func testResultsFollowGradescopesFieldsAndHideHiddenMessages() throws {
    let data = try GradescopeResults.json(for: grade(), rubric: Rubric())
    XCTAssertEqual(GradescopeResults.validate(data), [])
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    XCTAssertEqual(object["score"] as? Double, 2)
    let tests = try XCTUnwrap(object["tests"] as? [[String: Any]])
    XCTAssertEqual(tests.count, 3)
    XCTAssertEqual(tests[1]["status"] as? String, "failed")
    XCTAssertEqual(tests[1]["name"] as? String, "Unit 00: AffineForwardTests/testB")
    XCTAssertEqual(tests[2]["name"] as? String, "Unit 00: Unit00HiddenTests/testC (hidden)")
    XCTAssertTrue((tests[1]["output"] as? String)?.contains("expected 1, got 2") ?? false)
    XCTAssertFalse((tests[2]["output"] as? String)?.contains("secret") ?? true)
  }

  func testValidatorCatchesBadResults() {
    let bad = Data(
      #"{"score": "ten", "tests": [{"name": 3, "score": 5, "max_score": 1, "status": "ok"}], "x": 1}"#
        .utf8)
    let problems = GradescopeResults.validate(bad)
    XCTAssertTrue(problems.contains("unknown key `x`"), "\(problems)")
    XCTAssertTrue(problems.contains("`score` is not a number"), "\(problems)")
    XCTAssertTrue(problems.contains { $0.contains("status") }, "\(problems)")
    XCTAssertTrue(problems.contains { $0.contains("exceeds max_score") }, "\(problems)")
    XCTAssertTrue(problems.contains { $0.contains("`name` is not a string") }, "\(problems)")
  }

  func testFeedbackShowsMessagesButNotHiddenOnes() {
    let text = FeedbackWriter.markdown(for: grade(), rubric: Rubric())
    XCTAssertTrue(text.contains("**Total: 2 / 5 points**"))
    XCTAssertTrue(text.contains("expected 1, got 2"))
    XCTAssertTrue(text.contains("testC (hidden)"))
    XCTAssertFalse(text.contains("secret details"))
  }
}

final class HandoutTests: XCTestCase {
  func testZipWriterProducesAnArchiveThatUnzipReads() throws {
    guard let unzip = ProcessRunner.which("unzip") else {
      throw XCTSkip("no unzip on this machine")
    }
    var writer = ZipWriter()
    writer.add(path: "run_autograder", data: Data("#!/bin/sh\necho hi\n".utf8), executable: true)
    writer.add(path: "a/b.txt", data: Data("héllo".utf8))
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("zip-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let zip = folder.appendingPathComponent("x.zip")
    try writer.finish().write(to: zip)
    let result = try ProcessRunner.run(unzip, ["-q", zip.path, "-d", folder.path])
    XCTAssertTrue(result.succeeded, result.output)
    XCTAssertEqual(
      try String(contentsOf: folder.appendingPathComponent("a/b.txt"), encoding: .utf8), "héllo")
    XCTAssertTrue(
      FileManager.default.isExecutableFile(
        atPath: folder.appendingPathComponent("run_autograder").path))
  }

  func testCRC32MatchesTheKnownCheckValue() {
    XCTAssertEqual(CRC32.checksum(Data("123456789".utf8)), 0xCBF4_3926)
  }

  func testReleaseLeavesOutSolutionsHiddenTestsAndMutants() throws {
    let root = kitRoot
    let out = FileManager.default.temporaryDirectory
      .appendingPathComponent("handout-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    try Handout.release(PackageLayout(root: root), to: out)
    let fm = FileManager.default
    for kept in ["Package.swift", "README.md", "Exercises/Unit00", "Sources/RNNCore", "Lectures"] {
      XCTAssertTrue(fm.fileExists(atPath: out.appendingPathComponent(kept).path), kept)
    }
    for gone in ["Solutions", "Grader/HiddenTests", "Grader/Mutants", ".git", ".build", ".ci"] {
      XCTAssertFalse(fm.fileExists(atPath: out.appendingPathComponent(gone).path), gone)
    }
    XCTAssertThrowsError(try Handout.release(PackageLayout(root: root), to: out)) {
      XCTAssertTrue("\($0)".contains("not empty"), "\($0)")
    }
  }

  func testInstructorNotesShipOnlyWhenAskedFor() throws {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("notes-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: work) }
    let kit = work.appendingPathComponent("kit")
    for file in [
      "Package.swift", "Exercises/Unit00/A.swift", "Solutions/Unit00/A.swift",
      "Lectures/00-warm-up.md", "Lectures/derivations/00-warm-up.md",
    ] {
      let url = kit.appendingPathComponent(file)
      try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try "// \(file)\n".write(to: url, atomically: true, encoding: .utf8)
    }
    let plain = work.appendingPathComponent("plain")
    try Handout.release(PackageLayout(root: kit), to: plain)
    XCTAssertTrue(
      fm.fileExists(atPath: plain.appendingPathComponent("Lectures/00-warm-up.md").path))
    XCTAssertFalse(fm.fileExists(atPath: plain.appendingPathComponent("Lectures/derivations").path))
    XCTAssertFalse(fm.fileExists(atPath: plain.appendingPathComponent("Solutions").path))
    let guided = work.appendingPathComponent("guided")
    try Handout.release(PackageLayout(root: kit), to: guided, withDerivations: true)
    XCTAssertTrue(
      fm.fileExists(
        atPath: guided.appendingPathComponent("Lectures/derivations/00-warm-up.md").path))
    XCTAssertFalse(fm.fileExists(atPath: guided.appendingPathComponent("Solutions").path))
  }
}

final class GradeReportTests: XCTestCase {
  func outcome(_ name: String, _ status: TestStatus) -> TestOutcome {
    TestOutcome(name: name, status: status, message: "", seconds: 0.1)
  }

  func testTheTableExplainsIntegrationRowsAndHiddenTests() throws {
    let rubric = try Rubric(
      text: """
        Unit02Tests.ForwardTests 1 02.1
        Unit02Tests.TrainingTests 3 02.1-03.3
        Unit02HiddenTests 2 02.hidden
        Unit04HiddenTests 2 04.hidden
        """)
    let handout = GradeReport(
      outcomes: [
        outcome("Unit02Tests.ForwardTests/testA", .passed),
        outcome("Unit02Tests.TrainingTests/testB", .failed),
      ], rubric: rubric
    ).table()
    XCTAssertTrue(handout.contains("Total: 1/4 points"), handout)
    XCTAssertTrue(handout.contains("Rows such as 02.1-03.3 are integration tests"), handout)
    XCTAssertTrue(handout.contains("hidden tests (2 points each, for units 02)"), handout)
    let full = GradeReport(
      outcomes: [
        outcome("Unit02Tests.ForwardTests/testA", .passed),
        outcome("Unit02HiddenTests.Unit02HiddenTests/testC", .passed),
      ], rubric: rubric
    ).table()
    XCTAssertFalse(full.contains("Not shown"), "the hidden tests ran, so they are in the table")
    XCTAssertFalse(full.contains("integration tests"))
  }
}
