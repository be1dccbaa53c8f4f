import Foundation

/// What happened to one mutant.
public struct MutantResult: Sendable {
  public enum Verdict: String, Sendable {
    /// At least one test failed (or crashed) with the bug in place.
    case caught
    /// Every test still passed: the tests miss this bug.
    case survived
    /// The mutated code does not compile, so the mutant proves nothing.
    case invalid
  }

  public var unit: String
  public var mutant: Mutant
  public var verdict: Verdict
  /// The tests that failed, or the reason the mutant is invalid.
  public var detail: String
}

/// Applies each cataloged bug to a scratch copy of the kit and runs that unit's tests in
/// solutions mode. The working tree is never touched.
///
/// The scratch copy lives in `.build/grade-mutants/` and is kept between runs, so each mutant
/// costs an incremental build of one unit.
public struct MutantRunner {
  public var layout: PackageLayout
  public var log: (String) -> Void

  public init(layout: PackageLayout, log: @escaping (String) -> Void = { print($0) }) {
    self.layout = layout
    self.log = log
  }

  var scratch: URL { layout.root.appendingPathComponent(".build/grade-mutants") }

  /// Loads the catalog of `unit` (`"00"`).
  public func catalog(unit: String) throws -> [Mutant] {
    let url = layout.mutants.appendingPathComponent("Unit\(unit).mutants")
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    return try MutantCatalog.parse(try readUTF8(url), file: "Grader/Mutants/Unit\(unit).mutants")
  }

  /// Runs every mutant of the given units.
  public func run(units: [String]) throws -> [MutantResult] {
    try syncScratchCopy()
    let runner = CourseTestRunner(packageRoot: scratch, solutionsMode: true)
    var results: [MutantResult] = []
    for unit in units {
      let mutants = try catalog(unit: unit)
      if mutants.isEmpty {
        log("Unit \(unit): no mutant catalog")
        continue
      }
      log("Unit \(unit): checking the unmutated solution first")
      let baseline = try testUnit(unit, runner: runner)
      guard let baseline, baseline.failedTests.isEmpty, baseline.result.succeeded else {
        throw GraderError(
          "Unit \(unit): the reference solution does not pass its own tests, so mutants "
            + "would prove nothing. Run `RNNKIT_SOLUTIONS=1 swift test --filter Unit\(unit)Tests`.")
      }
      for mutant in mutants {
        let file = scratch.appendingPathComponent("Solutions/Unit\(unit)/\(mutant.file)")
        let original = try readUTF8(file)
        let mutated = try MutantCatalog.apply(
          mutant, to: original, file: "Solutions/Unit\(unit)/\(mutant.file)")
        try AtomicFile.write(mutated, to: file)
        defer { try? AtomicFile.write(original, to: file) }
        let result: MutantResult
        if let run = try testUnit(unit, runner: runner) {
          if run.result.succeeded && run.failedTests.isEmpty {
            result = MutantResult(unit: unit, mutant: mutant, verdict: .survived, detail: "")
          } else {
            let detail =
              run.failedTests.isEmpty
              ? "test process failed (\(run.result.crashedBySignal ? "crash" : "exit \(run.result.status)"))"
              : run.failedTests.joined(separator: ", ")
            result = MutantResult(unit: unit, mutant: mutant, verdict: .caught, detail: detail)
          }
        } else {
          result = MutantResult(
            unit: unit, mutant: mutant, verdict: .invalid, detail: "does not compile")
        }
        log(
          "  \(result.verdict.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
            + "\(mutant.name): \(mutant.about)"
            + (result.detail.isEmpty ? "" : "\n            by \(result.detail)"))
        results.append(result)
      }
    }
    return results
  }

  struct UnitRun {
    var result: ProcessResult
    var failedTests: [String]
  }

  /// Builds the scratch copy and runs one unit's tests; `nil` if the build fails.
  func testUnit(_ unit: String, runner: CourseTestRunner) throws -> UnitRun? {
    let build = try runner.build()
    guard build.succeeded else { return nil }
    let result = try ProcessRunner.run(
      try runner.swift(), ["test", "--skip-build", "--filter", "^Unit\(unit)Tests\\."],
      in: scratch, environment: runner.environment, timeout: 600)
    var failed: [String] = []
    var lastStarted: String?
    for line in result.output.split(separator: "\n") where line.hasPrefix("Test Case '") {
      let name = line.split(separator: "'").dropFirst().first.map(String.init) ?? ""
      if line.hasSuffix("started") || line.contains("' started at") { lastStarted = name }
      if line.contains("' failed") && !failed.contains(name) { failed.append(name) }
    }
    if !result.succeeded && failed.isEmpty, let lastStarted {
      failed.append("\(lastStarted) (crashed)")
    }
    return UnitRun(result: result, failedTests: failed)
  }

  func syncScratchCopy() throws {
    try layout.mirror(
      into: scratch, parts: ["Package.swift", "Sources", "Solutions", "Exercises", "Grader"])
  }
}
