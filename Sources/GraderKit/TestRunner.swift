import Foundation

/// How one course test ended.
public enum TestStatus: String, Sendable, Codable {
  case passed
  case failed
  /// Skipped because it reached an exercise stub.
  case notStarted = "not started"
  case crashed
  case timedOut = "timed out"
}

/// The outcome of one course test, run in its own process.
public struct TestOutcome: Sendable, Codable {
  /// `Target.Class/method`.
  public var name: String
  public var status: TestStatus
  /// The first failure or skip message, or the last lines before a crash.
  public var message: String
  public var seconds: Double

  /// `Target` of `Target.Class/method`.
  public var target: String { String(name.prefix { $0 != "." }) }
  /// `Class/method`.
  public var shortName: String { String(name.drop { $0 != "." }.dropFirst()) }
}

/// Builds the package's tests and runs them one process per test, so a crash or a hang in one
/// test cannot hide the results of the others.
public struct CourseTestRunner {
  public var packageRoot: URL
  /// Build in solutions mode (`RNNKIT_SOLUTIONS=1`).
  public var solutionsMode: Bool
  /// Where SwiftPM builds; `nil` for the package's own `.build`.
  public var scratchPath: URL?
  /// More variables for every SwiftPM call (the grader sets `RNNKIT_GRADING`, `RNNKIT_UNITS`).
  public var extraEnvironment: [String: String] = [:]
  /// Require the proof-of-completion line for a pass (see `ProofOfCompletion`).
  public var requireProof = false
  /// Virtual-memory limit of each test process in MiB (Linux; `nil` for none).
  public var memoryLimitMiB: Int?

  public init(packageRoot: URL, solutionsMode: Bool = false, scratchPath: URL? = nil) {
    self.packageRoot = packageRoot
    self.solutionsMode = solutionsMode
    self.scratchPath = scratchPath
  }

  var environment: [String: String] {
    extraEnvironment.merging(["RNNKIT_SOLUTIONS": solutionsMode ? "1" : "0"]) { _, new in new }
  }

  /// The manifest decides which targets exist from the folders present (hidden tests), so it
  /// is evaluated afresh every time instead of coming from SwiftPM's manifest cache.
  var scratchArguments: [String] {
    (scratchPath.map { ["--scratch-path", $0.path] } ?? []) + ["--manifest-cache", "none"]
  }

  func swift() throws -> String {
    guard let swift = ProcessRunner.which("swift") else {
      throw GraderError("cannot find `swift` on PATH; install a Swift 6 toolchain")
    }
    return swift
  }

  /// Builds everything the tests need. Returns the build result (check `succeeded`).
  public func build(echo: Bool = false) throws -> ProcessResult {
    try ProcessRunner.run(
      try swift(), ["build", "--build-tests"] + scratchArguments, in: packageRoot,
      environment: environment, echo: echo)
  }

  /// The names (`Target.Class/method`) of every test in the built bundle, optionally only
  /// those of targets whose name starts with `targetPrefix`.
  public func listTests(targetPrefix: String? = nil) throws -> [String] {
    let result = try ProcessRunner.run(
      try swift(), ["test", "list", "--skip-build"] + scratchArguments, in: packageRoot,
      environment: environment)
    guard result.succeeded else {
      throw GraderError("`swift test list` failed:\n\(result.output.suffix(2000))")
    }
    return result.output.split(separator: "\n").map(String.init)
      .filter { $0.contains("/") && !$0.contains(" ") }
      .filter { name in targetPrefix.map { name.hasPrefix($0) } ?? true }
  }

  /// The built test bundle.
  public func bundlePath() throws -> String {
    let result = try ProcessRunner.run(
      try swift(), ["build", "--show-bin-path"] + scratchArguments, in: packageRoot,
      environment: environment)
    guard result.succeeded,
      let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("/") })
    else {
      throw GraderError("`swift build --show-bin-path` failed:\n\(result.output)")
    }
    return "\(line)/RNNKitPackageTests.xctest"
  }

  /// Runs each test in its own process.
  public func run(
    tests: [String], timeout: (String) -> Double, progress: (TestOutcome) -> Void = { _ in }
  ) throws -> [TestOutcome] {
    let bundle = try bundlePath()
    var outcomes: [TestOutcome] = []
    for test in tests {
      let token = UUID().uuidString + UUID().uuidString
      #if os(macOS)
        var command = ["/usr/bin/xcrun", "xctest", "-XCTest", test, bundle]
      #else
        var command = [bundle, test]
      #endif
      if let memoryLimitMiB {
        // The shell applies the limit to itself, then becomes the test process.
        command =
          ["/bin/sh", "-c", "ulimit -v \(memoryLimitMiB * 1024) 2>/dev/null; exec \"$@\"", "sh"]
          + command
      }
      let result = try ProcessRunner.run(
        command[0], Array(command.dropFirst()), in: packageRoot,
        environment: requireProof ? ["RNNKIT_PROOF_TOKEN": token] : [:], timeout: timeout(test))
      var outcome = TestOutputParser.outcome(of: test, result: result)
      if requireProof {
        outcome = TestOutputParser.checkingProof(outcome, token: token, output: result.output)
      }
      progress(outcome)
      outcomes.append(outcome)
    }
    return outcomes
  }
}

/// Where transcribed test runs happen: a folder outside everything the sandbox hides, holding
/// a copy of the built test binary and a fresh empty working folder per test.
public struct ExecutionArea: Sendable {
  /// The folder of this slot (readable by the sandbox's user, writable only by the grader).
  public var folder: URL
  /// Folders of the other slots, hidden from this slot's tests.
  public var siblings: [URL]

  public init(folder: URL, siblings: [URL]) {
    self.folder = folder
    self.siblings = siblings
  }

  var bundle: URL { folder.appendingPathComponent("tests.xctest") }

  /// Copies the built bundle in (only the binary: no sources, no build folder).
  func install(bundle source: String) throws {
    let fm = FileManager.default
    try fm.createDirectory(at: folder, withIntermediateDirectories: true)
    chmod(folder.path, 0o755)
    if fm.fileExists(atPath: bundle.path) { try fm.removeItem(at: bundle) }
    try fm.copyItem(atPath: source, toPath: bundle.path)
    chmod(bundle.path, 0o755)
  }
}

extension CourseTestRunner {
  /// Runs each test in its own sandboxed process that writes a transcript (see
  /// ``TranscriptJudge``), and returns each test's process result and transcript.
  ///
  /// - Parameters:
  ///   - area: where the test binary is copied and run (outside the sandbox's hidden folders).
  ///   - records: a private folder (hidden from the tests) for transcripts and output logs.
  ///   - seed: the grading run's seed, passed to hidden tests.
  public func runTranscribed(
    tests: [String], area: ExecutionArea, sandbox: Sandbox, records: URL, seed: UInt64,
    timeout: Double, progress: (String, ProcessResult, Data) -> Void = { _, _, _ in }
  ) throws -> [String: (result: ProcessResult, transcript: Data)] {
    let fm = FileManager.default
    try area.install(bundle: try bundlePath())
    try fm.createDirectory(at: records, withIntermediateDirectories: true)
    var box = sandbox
    box.hidden += area.siblings.map(\.path)
    var results: [String: (result: ProcessResult, transcript: Data)] = [:]
    for test in tests {
      let work = try box.makeWorkingFolder(in: area.folder)
      defer { try? fm.removeItem(at: work) }
      #if os(macOS)
        let command = ["/usr/bin/xcrun", "xctest", "-XCTest", test, area.bundle.path]
      #else
        let command = [area.bundle.path, test]
      #endif
      let argv = box.wrap(
        command, workingDirectory: work.path,
        virtualMemoryKiB: memoryLimitMiB.map { $0 * 1024 })
      let file = test.replacingOccurrences(of: "/", with: "__")
      let transcriptURL = records.appendingPathComponent("\(file).transcript")
      let environment = [
        "PATH": "/usr/bin:/bin", "HOME": work.path, "TMPDIR": work.path, "LANG": "C.UTF-8",
        "RNNKIT_TRANSCRIPT_FD": "3", "RNNKIT_GRADING_SEED": String(seed),
      ]
      let limits = ProcessLimits(
        timeout: timeout, memoryBytes: memoryLimitMiB.map { $0 << 20 }, maxProcesses: 64)
      var result = try ProcessTree.run(
        argv, environment: environment, output: records.appendingPathComponent("\(file).log"),
        channel: transcriptURL, limits: limits)
      var transcript = fm.contents(atPath: transcriptURL.path) ?? Data()
      // A process that never reached the test (the sandbox or the machine failed to start it)
      // says nothing about the code under test: start it once more.
      if !result.timedOut && result.limitExceeded == nil && !Self.reachedTheTest(transcript) {
        result = try ProcessTree.run(
          argv, environment: environment,
          output: records.appendingPathComponent("\(file).log"), channel: transcriptURL,
          limits: limits)
        transcript = fm.contents(atPath: transcriptURL.path) ?? Data()
      }
      progress(test, result, transcript)
      results[test] = (result, transcript)
    }
    return results
  }

  /// Whether a transcript shows that the test harness started (its first line).
  static func reachedTheTest(_ transcript: Data) -> Bool {
    transcript.starts(with: Data(#"{"k":"begin"}"#.utf8))
  }
}

/// Reads XCTest's console output (Linux and macOS spellings).
public enum TestOutputParser {
  /// The outcome of running just `test` (`Target.Class/method`).
  public static func outcome(of test: String, result: ProcessResult) -> TestOutcome {
    let method = String(test.split(separator: "/").last ?? "")
    let className = String(test.split(separator: "/").first?.split(separator: ".").last ?? "")
    var finished: TestStatus?
    var failure: String?
    var skip: String?
    for rawLine in result.output.split(separator: "\n") {
      let line = String(rawLine)
      let mentionsTest = line.contains(className) && line.contains(method)
      if mentionsTest && line.hasPrefix("Test Case ") {
        if line.contains("' passed") || line.contains("]' passed") {
          finished = finished ?? .passed
        } else if line.contains("' failed") {
          finished = .failed
        } else if line.contains("' skipped") {
          finished = finished == .failed ? .failed : .notStarted
        }
      } else if failure == nil, line.contains(": error: ") {
        failure = afterTestName(line, method: method, separator: ": error: ")
      } else if skip == nil, let range = line.range(of: "Test skipped - ") {
        skip = String(line[range.upperBound...])
      } else if skip == nil, let range = line.range(of: "Test skipped: ") {
        skip = String(line[range.upperBound...])
      }
    }
    let tail = result.output.split(separator: "\n").suffix(6).joined(separator: "\n")
    let status: TestStatus
    var message = ""
    if result.timedOut {
      status = .timedOut
      message = "killed after \(Int(result.seconds)) s"
    } else if let finished, !result.crashedBySignal {
      status = finished == .passed && result.status != 0 ? .failed : finished
      switch status {
      case .failed:
        let text = failure ?? "failed: \(tail)"
        message = text.hasPrefix("failed - ") ? String(text.dropFirst(9)) : text
      case .notStarted: message = skip ?? "skipped"
      default: message = ""
      }
    } else {
      status = .crashed
      let fatal = result.output.split(separator: "\n").first {
        $0.contains("Fatal error") || $0.contains("fatal error") || $0.contains("Precondition")
      }
      message = fatal.map(String.init) ?? "the test process stopped early:\n\(tail)"
      if let location = TranscriptJudge.exerciseLocation(in: result.output) {
        message += " (at \(location))"
      }
    }
    return TestOutcome(name: test, status: status, message: message, seconds: result.seconds)
  }

  /// Demotes a pass without this run's proof line to a failure.
  public static func checkingProof(
    _ outcome: TestOutcome, token: String, output: String
  )
    -> TestOutcome
  {
    guard outcome.status == .passed else { return outcome }
    let method = String(outcome.name.split(separator: "/").last ?? "")
    let proven = output.split(separator: "\n").contains { line in
      line.hasPrefix("RNNKIT-PROOF \(token) ") && line.contains(method)
    }
    if proven { return outcome }
    var demoted = outcome
    demoted.status = .failed
    demoted.message =
      "the test did not run to its end (no proof of completion: exit() or a forged result?)"
    return demoted
  }

  /// The text after `Class.method : ` (Linux) or the error marker (macOS).
  static func afterTestName(_ line: String, method: String, separator: String) -> String {
    if let range = line.range(of: "\(method) : ") { return String(line[range.upperBound...]) }
    if let range = line.range(of: "\(method)] : ") { return String(line[range.upperBound...]) }
    if let range = line.range(of: separator) { return String(line[range.upperBound...]) }
    return line
  }
}
