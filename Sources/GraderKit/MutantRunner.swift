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
    /// A correct alternative: every test passed with it in place, as it should.
    case accepted
    /// A correct alternative that a test failed: the tests reject correct code.
    case rejected
  }

  public var unit: String
  public var mutant: Mutant
  /// Whether `mutant` is a correct alternative (from `UnitNN.alternatives`) rather than a bug.
  public var isAlternative = false
  public var verdict: Verdict
  /// The tests that failed, or the reason the mutant is invalid.
  public var detail: String
  /// Public tests (`UnitNNTests`) that failed.
  public var publicCatches: [String] = []
  /// Hidden tests (`UnitNNHiddenTests`) that failed.
  public var hiddenCatches: [String] = []
}

/// Applies each cataloged bug to a scratch copy of the kit and runs that unit's public and
/// hidden tests in solutions mode. The working tree is never touched.
///
/// Each slot (`jobs` of them, run in parallel) keeps its scratch copy in
/// `.build/grade-mutants/slot-N/` between runs, and builds only the mutated unit, the units it
/// depends on, and their tests (`RNNKIT_UNITS`), so each mutant costs an incremental build of
/// one module and a link.
public struct MutantRunner: Sendable {
  public var layout: PackageLayout
  public var jobs = 1
  /// Where the slots' scratch copies live; `nil` for `.build/grade-mutants` in the kit.
  public var scratchRoot: URL?
  public var log: @Sendable (String) -> Void

  public init(layout: PackageLayout, log: @escaping @Sendable (String) -> Void = { print($0) }) {
    self.layout = layout
    self.log = log
  }

  func scratch(slot: Int) -> URL {
    (scratchRoot ?? layout.root.appendingPathComponent(".build/grade-mutants"))
      .appendingPathComponent("slot-\(slot)")
  }

  /// Loads the catalog of `unit` (`"00"`).
  public func catalog(unit: String) throws -> [Mutant] {
    let url = layout.mutants.appendingPathComponent("Unit\(unit).mutants")
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    return try MutantCatalog.parse(try readUTF8(url), file: "Grader/Mutants/Unit\(unit).mutants")
  }

  /// Loads the correct alternatives of `unit` (`Grader/Mutants/UnitNN.alternatives`), if any.
  public func alternatives(unit: String) throws -> [Mutant] {
    let url = layout.mutants.appendingPathComponent("Unit\(unit).alternatives")
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    return try MutantCatalog.parse(
      try readUTF8(url), file: "Grader/Mutants/Unit\(unit).alternatives", keyword: "alternative")
  }

  /// Runs every mutant of the given units.
  public func run(units: [String]) throws -> [MutantResult] {
    let slotCount = max(1, jobs)
    for slot in 0..<slotCount { try syncScratchCopy(slot: slot) }
    var results: [MutantResult] = []
    for unit in units {
      let bugs = try catalog(unit: unit)
      let correct = try alternatives(unit: unit)
      let mutants = bugs + correct
      if bugs.isEmpty {
        log("Unit \(unit): no mutant catalog")
        continue
      }
      log("Unit \(unit): checking the unmutated solution first (\(slotCount) slot(s))")
      let baselines = Locked([UnitRun?](repeating: nil, count: slotCount))
      let errors = Locked([String]())
      let runner = self
      DispatchQueue.concurrentPerform(iterations: slotCount) { slot in
        do {
          let run = try runner.testUnit(unit, slot: slot, everyTest: true)
          baselines.withValue { $0[slot] = run }
        } catch {
          errors.withValue { $0.append("\(error)") }
        }
      }
      if let error = errors.withValue({ $0.first }) { throw GraderError(error) }
      for baseline in baselines.withValue({ $0 }) {
        guard let baseline, baseline.failedTests.isEmpty, baseline.result.succeeded else {
          throw GraderError(
            "Unit \(unit): the reference solution does not pass its own tests, so mutants "
              + "would prove nothing. Run `RNNKIT_SOLUTIONS=1 swift test --filter Unit\(unit)`.")
        }
      }
      let unitResults = Locked([MutantResult?](repeating: nil, count: mutants.count))
      let next = Locked(0)
      DispatchQueue.concurrentPerform(iterations: slotCount) { slot in
        while true {
          let index = next.withValue { value -> Int in
            defer { value += 1 }
            return value
          }
          guard index < mutants.count else { return }
          var result: MutantResult
          do {
            result = try runner.check(
              mutants[index], unit: unit, slot: slot, everyTest: index >= bugs.count)
          } catch {
            result = MutantResult(
              unit: unit, mutant: mutants[index], verdict: .invalid, detail: "\(error)")
          }
          if index >= bugs.count {
            // A correct alternative must pass every test.
            result.isAlternative = true
            switch result.verdict {
            case .survived: result.verdict = .accepted
            case .caught: result.verdict = .rejected
            default: break
            }
          }
          runner.log(
            "  \(result.verdict.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
              + "\(result.mutant.name): \(result.mutant.about)"
              + (result.detail.isEmpty ? "" : "\n            by \(result.detail)"))
          unitResults.withValue { $0[index] = result }
        }
      }
      let all = unitResults.withValue { $0 }.compactMap { $0 }
      let done = all.filter { !$0.isAlternative }
      let caught = done.filter { $0.verdict == .caught }.count
      let byPublic = done.filter { !$0.publicCatches.isEmpty }.count
      let byHidden = done.filter { !$0.hiddenCatches.isEmpty }.count
      log(
        "Unit \(unit): \(caught) of \(done.count) caught; by the public tests alone "
          + "\(byPublic) (\(percent(byPublic, done.count))), by the hidden tests \(byHidden)")
      let others = all.filter(\.isAlternative)
      if !others.isEmpty {
        log(
          "Unit \(unit): \(others.filter { $0.verdict == .accepted }.count) of \(others.count) "
            + "correct alternatives pass every test")
      }
      results += all
    }
    return results
  }

  /// Applies one mutant in `slot`'s copy, tests, and restores the file.
  func check(
    _ mutant: Mutant, unit: String, slot: Int, everyTest: Bool = false
  ) throws -> MutantResult {
    let scratch = scratch(slot: slot)
    let file = scratch.appendingPathComponent("Solutions/Unit\(unit)/\(mutant.file)")
    let original = try readUTF8(file)
    let mutated = try MutantCatalog.apply(
      mutant, to: original, file: "Solutions/Unit\(unit)/\(mutant.file)")
    try AtomicFile.write(mutated, to: file)
    defer { try? AtomicFile.write(original, to: file) }
    guard let run = try testUnit(unit, slot: slot, everyTest: everyTest) else {
      return MutantResult(unit: unit, mutant: mutant, verdict: .invalid, detail: "does not compile")
    }
    if run.result.succeeded && run.failedTests.isEmpty {
      return MutantResult(unit: unit, mutant: mutant, verdict: .survived, detail: "")
    }
    let detail =
      run.failedTests.isEmpty
      ? "test process failed (\(run.result.crashedBySignal ? "crash" : "exit \(run.result.status)"))"
      : run.failedTests.joined(separator: ", ")
    var result = MutantResult(unit: unit, mutant: mutant, verdict: .caught, detail: detail)
    result.hiddenCatches = run.failedTests.filter { $0.contains("HiddenTests") }
    result.publicCatches = run.failedTests.filter { !$0.contains("HiddenTests") }
    if run.failedTests.isEmpty { result.publicCatches = ["(a crashed test process)"] }
    return result
  }

  struct UnitRun {
    var result: ProcessResult
    var failedTests: [String]
  }

  /// Test classes whose names end in this are whole-model training runs: seconds each, where
  /// every other test takes milliseconds. A mutant that the fast tests already catch skips them.
  static let slowTestSuffix = "TaskTests"

  /// Builds only `unit` (with what it depends on) in `slot`'s copy and runs its public and
  /// hidden tests; `nil` if the build fails. The training tests (classes ending in
  /// ``slowTestSuffix``) run only when the other tests catch nothing, or when `everyTest` is set
  /// (a correct alternative must pass them all).
  func testUnit(_ unit: String, slot: Int, everyTest: Bool = false) throws -> UnitRun? {
    var runner = CourseTestRunner(packageRoot: scratch(slot: slot), solutionsMode: true)
    runner.extraEnvironment = ["RNNKIT_GRADING": "1", "RNNKIT_UNITS": unit]
    let build = try runner.build()
    guard build.succeeded else { return nil }
    let unitTests = "^Unit\(unit)(Hidden)?Tests\\."
    func run(_ selection: [String]) throws -> UnitRun {
      let result = try ProcessRunner.run(
        try runner.swift(), ["test", "--skip-build"] + selection + runner.scratchArguments,
        in: runner.packageRoot, environment: runner.environment, timeout: 600)
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
    let fast = try run([
      "--filter", unitTests, "--skip", "\\.[A-Za-z0-9_]*\(Self.slowTestSuffix)/",
    ])
    let caught = !fast.result.succeeded || !fast.failedTests.isEmpty
    if caught && !everyTest { return fast }
    let slowSelection = "^Unit\(unit)(Hidden)?Tests\\.[A-Za-z0-9_]*\(Self.slowTestSuffix)/"
    let slow = try run(["--filter", slowSelection])
    if !slow.result.succeeded && slow.failedTests.isEmpty
      && slow.result.output.contains("No matching test cases")
    {
      return fast
    }
    return UnitRun(
      result: fast.result.succeeded ? slow.result : fast.result,
      failedTests: fast.failedTests + slow.failedTests)
  }

  func syncScratchCopy(slot: Int) throws {
    try layout.mirror(
      into: scratch(slot: slot),
      parts: ["Package.swift", "Sources", "Solutions", "Exercises", "Grader"])
  }
}

func percent(_ part: Int, _ whole: Int) -> String {
  whole == 0 ? "n/a" : String(format: "%.0f%%", 100 * Double(part) / Double(whole))
}
