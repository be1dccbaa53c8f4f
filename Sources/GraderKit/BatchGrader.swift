import Foundation

/// The grade of one submission.
public struct SubmissionGrade: Codable, Sendable {
  /// The submission's name: its folder or zip name without extension.
  public var name: String
  /// The cache key: a hash of the submission, the kit's tests and sources, and the toolchain.
  public var key: String
  public var outcomes: [TestOutcome]
  /// Points per test name.
  public var points: [String: Double]
  public var possible: [String: Double]
  /// Units whose exercise code was replaced by the stubs, with the reason (compiler errors).
  public var fallbackUnits: [String: String]
  /// Tamper-report findings (they do not change the score).
  public var flags: [TamperFinding]
  /// A problem that stopped grading this submission altogether, if any.
  public var error: String?
  public var seconds: Double

  public var total: Double { points.values.reduce(0, +) }
  public var maximum: Double { possible.values.reduce(0, +) }

  /// Points earned and possible in unit `unit` (`"00"`).
  public func unitPoints(_ unit: String) -> (earned: Double, possible: Double) {
    let names = outcomes.map(\.name).filter { unitNumber(ofTest: $0) == unit }
    return (
      names.reduce(0) { $0 + (points[$1] ?? 0) }, names.reduce(0) { $0 + (possible[$1] ?? 0) }
    )
  }
}

/// `"00"` for `Unit00Tests.X/y` or `Unit00HiddenTests.X/y`.
func unitNumber(ofTest name: String) -> String {
  guard name.hasPrefix("Unit") else { return String(name.prefix { $0 != "." }) }
  return String(name.dropFirst(4).prefix { $0.isNumber })
}

/// Whether a test comes from the hidden tests in `Grader/HiddenTests/`.
func isHidden(_ test: String) -> Bool {
  test.prefix { $0 != "." }.hasSuffix("HiddenTests")
}

/// Grades a folder of submissions: each in a scratch copy of the kit that takes only the Swift
/// files of the submission's `Exercises/`, one process per test, with outputs written
/// atomically and a cache so that a rerun skips what is already graded.
public struct BatchGrader: Sendable {
  public var layout: PackageLayout
  public var submissions: URL
  public var output: URL
  public var jobs = 1
  public var force = false
  /// Grade only these units (`["00"]`); `nil` for all.
  public var units: [String]?
  public var memoryLimitMiB = 4096
  /// Per-test time limit in seconds; `nil` takes the rubric's.
  public var timeoutOverride: Double?
  public var log: @Sendable (String) -> Void = { print($0) }

  public init(layout: PackageLayout, submissions: URL, output: URL) {
    self.layout = layout
    self.submissions = submissions
    self.output = output
  }

  /// The submissions in the folder: subfolders and `.zip` files, sorted by name.
  public func submissionEntries() throws -> [(name: String, url: URL)] {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: submissions.path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw GraderError("\(submissions.path) is not a folder of submissions")
    }
    var entries: [(name: String, url: URL)] = []
    for item in try fm.contentsOfDirectory(atPath: submissions.path).sorted()
    where !item.hasPrefix(".") {
      let url = submissions.appendingPathComponent(item)
      var itemIsDirectory: ObjCBool = false
      _ = fm.fileExists(atPath: url.path, isDirectory: &itemIsDirectory)
      if itemIsDirectory.boolValue {
        entries.append((item, url))
      } else if item.lowercased().hasSuffix(".zip") {
        entries.append((String(item.dropLast(4)), url))
      }
    }
    return entries
  }

  /// Grades every submission and writes the outputs. One broken submission never stops the
  /// batch: its problem is recorded and the batch goes on.
  public func run() throws -> [SubmissionGrade] {
    let fm = FileManager.default
    let entries = try submissionEntries()
    for folder in ["feedback", "results", ".cache"] {
      try fm.createDirectory(
        at: output.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    let rubric = try Rubric.load(packageRoot: layout.root)
    let kitHash = try kitFingerprint()
    let results = Locked([SubmissionGrade?](repeating: nil, count: entries.count))
    let slots = Locked(Array(0..<max(1, jobs)))
    let available = DispatchSemaphore(value: max(1, jobs))
    let grader = self
    DispatchQueue.concurrentPerform(iterations: entries.count) { index in
      available.wait()
      let slot = slots.withValue { $0.removeFirst() }
      defer {
        slots.withValue { $0.append(slot) }
        available.signal()
      }
      let (name, url) = entries[index]
      let grade = grader.gradeOne(
        name: name, url: url, slot: slot, rubric: rubric, kitHash: kitHash)
      results.withValue { $0[index] = grade }
    }
    let grades = results.withValue { $0 }.compactMap { $0 }
    try writeGradebook(grades)
    return grades
  }

  /// Grades one submission, using the cache when allowed; never throws.
  func gradeOne(
    name: String, url: URL, slot: Int, rubric: Rubric, kitHash: String
  )
    -> SubmissionGrade
  {
    let started = Date()
    let cacheURL = output.appendingPathComponent(".cache/\(name).json")
    var grade = SubmissionGrade(
      name: name, key: "", outcomes: [], points: [:], possible: [:], fallbackUnits: [:],
      flags: [], error: nil, seconds: 0)
    do {
      let source = try SubmissionSource.open(url)
      defer { source.cleanUp() }
      guard source.exercises != nil else {
        throw GraderError(
          "no Exercises/ folder (nor UnitNN/ folders) in this submission; nothing to grade")
      }
      let key = Fingerprint.combine([kitHash, try source.fingerprint()])
      grade.key = key
      if !force, let data = FileManager.default.contents(atPath: cacheURL.path),
        let cached = try? JSONDecoder().decode(SubmissionGrade.self, from: data),
        cached.key == key
      {
        log("\(name): unchanged since it was graded; kept (use --force to regrade)")
        return cached
      }
      log("\(name): grading")
      grade.flags = try TamperScanner.scan(submission: source, kit: layout)
      try build(&grade, source: source, slot: slot, rubric: rubric)
    } catch {
      grade.error = "\(error)"
      log("\(name): could not be graded: \(error)")
    }
    grade.seconds = Date().timeIntervalSince(started)
    do {
      try writeOutputs(for: grade, rubric: rubric)
      if grade.error == nil {
        try AtomicFile.write(try JSONEncoder().encode(grade), to: cacheURL)
      }
    } catch {
      log("\(name): could not write its results: \(error)")
    }
    log(
      "\(name): \(format(grade.total))/\(format(grade.maximum)) points"
        + (grade.flags.isEmpty ? "" : ", \(grade.flags.count) tamper flag(s)"))
    return grade
  }

  /// Builds the submission in its slot's scratch copy (falling back to the stubs for units
  /// that do not compile) and runs every course test.
  func build(
    _ grade: inout SubmissionGrade, source: SubmissionSource, slot: Int, rubric: Rubric
  )
    throws
  {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-grader-\(Fingerprint.of(layout.root.path))/slot-\(slot)")
    let kitUnits = try layout.units()
    let selected = kitUnits.filter { units?.contains($0) ?? true }
    if selected.isEmpty { throw GraderError("no such unit: \(units ?? [])") }
    var fallback = try PolicyChecker.rejectedUnits(in: source, units: selected)
    // One grader at a time per slot, even across processes (two batches on one kit).
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let lock = try SlotLock(scratch.appendingPathComponent(".grader.lock"))
    defer { lock.release() }
    var runner = CourseTestRunner(packageRoot: scratch)
    runner.extraEnvironment = ["RNNKIT_GRADING": "1"]
    if units != nil { runner.extraEnvironment["RNNKIT_UNITS"] = selected.joined(separator: ",") }
    runner.requireProof = true
    runner.memoryLimitMiB = memoryLimitMiB
    // Build; each round replaces the units that failed to compile with their stubs.
    for _ in 0...selected.count {
      try stage(source: source, into: scratch, stubbed: Set(fallback.keys))
      let build = try runner.build()
      if build.succeeded { break }
      let broken = CompilerErrors.units(in: build.output, scratch: scratch)
        .filter { fallback[$0.key] == nil }
      if broken.isEmpty {
        throw GraderError(
          "the kit failed to build for a reason outside Exercises/:\n"
            + CompilerErrors.summary(build.output, scratch: scratch))
      }
      for (unit, errors) in broken { fallback[unit] = errors }
    }
    grade.fallbackUnits = fallback
    let tests = try runner.listTests().filter { $0.hasPrefix("Unit") }
    let limit = timeoutOverride ?? rubric.timeout
    let outcomes = try runner.run(tests: tests, timeout: { _ in limit })
    grade.outcomes = outcomes
    for outcome in outcomes {
      grade.possible[outcome.name] = rubric.points(for: outcome.name)
      grade.points[outcome.name] = outcome.status == .passed ? rubric.points(for: outcome.name) : 0
    }
  }

  /// Lays out the scratch copy: the kit's own manifest, sources, course tests and grader files,
  /// and the submission's exercise files (or the stubs for missing or rejected units).
  func stage(source: SubmissionSource, into scratch: URL, stubbed: Set<String>) throws {
    let fm = FileManager.default
    try layout.mirror(into: scratch, parts: ["Package.swift", "Sources", "Grader"])
    let staging = scratch.appendingPathComponent(".exercises-staging")
    if fm.fileExists(atPath: staging.path) { try fm.removeItem(at: staging) }
    for unit in try layout.units() {
      let folder = "Unit\(unit)"
      let destination = staging.appendingPathComponent(folder)
      try fm.createDirectory(at: destination, withIntermediateDirectories: true)
      let submitted = source.exercises.map { $0.appendingPathComponent(folder) }
      let useSubmission =
        !stubbed.contains(unit) && submitted.map { fm.fileExists(atPath: $0.path) } == true
      let origin = useSubmission ? submitted : layout.exercises.appendingPathComponent(folder)
      guard let origin else { continue }
      for relative in try swiftFiles(under: origin) {
        let target = destination.appendingPathComponent(relative)
        try fm.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.copyItem(at: origin.appendingPathComponent(relative), to: target)
      }
    }
    // A unit whose sources changed is rebuilt from nothing: incremental builds key on file
    // times, and two submissions can be staged within one tick of the clock.
    let exercises = scratch.appendingPathComponent("Exercises")
    for unit in try layout.units() {
      let before = try Fingerprint.ofTree(exercises.appendingPathComponent("Unit\(unit)"))
      let after = try Fingerprint.ofTree(staging.appendingPathComponent("Unit\(unit)"))
      if before != after { try removeBuildProducts(of: "Unit\(unit)", in: scratch) }
    }
    try PackageLayout.mirror(staging, to: exercises)
    try fm.removeItem(at: staging)
  }

  /// Deletes what the compiler made for module `name` (objects, dependency records), keeping
  /// the build plan, so the next build compiles every file of it again.
  func removeBuildProducts(of name: String, in scratch: URL) throws {
    let fm = FileManager.default
    let build = scratch.appendingPathComponent(".build")
    guard let platforms = try? fm.contentsOfDirectory(atPath: build.path) else { return }
    let stale: Set = ["o", "swiftdeps", "d", "dia", "priors"]
    for platform in platforms {
      for configuration in ["debug", "release"] {
        let folder = build.appendingPathComponent("\(platform)/\(configuration)/\(name).build")
        guard let files = try? fm.contentsOfDirectory(atPath: folder.path) else { continue }
        for file in files where stale.contains((file as NSString).pathExtension) {
          try? fm.removeItem(at: folder.appendingPathComponent(file))
        }
      }
    }
  }

  /// A hash of everything in the kit that can change a grade.
  func kitFingerprint() throws -> String {
    var parts: [String] = [
      units?.joined(separator: ",") ?? "all", "memory \(memoryLimitMiB)",
      "timeout \(timeoutOverride ?? -1)",
    ]
    let swiftVersion = try ProcessRunner.run(
      ProcessRunner.which("swift") ?? "/usr/bin/swift", ["--version"])
    parts.append(swiftVersion.output)
    for folder in ["Package.swift", "Sources", "Tests", "Grader", "Exercises"] {
      parts.append(try Fingerprint.ofTree(layout.root.appendingPathComponent(folder)))
    }
    return Fingerprint.combine(parts)
  }

  // MARK: - Outputs

  func writeOutputs(for grade: SubmissionGrade, rubric: Rubric) throws {
    try AtomicFile.write(
      FeedbackWriter.markdown(for: grade, rubric: rubric),
      to: output.appendingPathComponent("feedback/\(grade.name).md"))
    try AtomicFile.write(
      try GradescopeResults.json(for: grade, rubric: rubric),
      to: output.appendingPathComponent("results/\(grade.name).json"))
  }

  /// `gradebook.csv`: one row per submission, per-unit points, total and flags.
  func writeGradebook(_ grades: [SubmissionGrade]) throws {
    let unitList = try layout.units().filter { units?.contains($0) ?? true }
    var rows = [
      (["submission"] + unitList.map { "unit \($0)" } + ["total", "max", "flags", "error"])
        .map(csvField).joined(separator: ",")
    ]
    for grade in grades.sorted(by: { $0.name < $1.name }) {
      var fields = [grade.name]
      for unit in unitList { fields.append(format(grade.unitPoints(unit).earned)) }
      fields += [
        format(grade.total), format(grade.maximum),
        grade.flags.map(\.kind).joined(separator: "; "), grade.error ?? "",
      ]
      rows.append(fields.map(csvField).joined(separator: ","))
    }
    try AtomicFile.write(
      rows.joined(separator: "\n") + "\n", to: output.appendingPathComponent("gradebook.csv"))
  }

  /// A plain-text summary for the terminal.
  public static func summary(_ grades: [SubmissionGrade]) -> String {
    let width = max(12, (grades.map(\.name.count).max() ?? 0) + 2)
    var lines = [
      "submission".padding(toLength: width, withPad: " ", startingAt: 0) + "points      flags"
    ]
    for grade in grades.sorted(by: { $0.name < $1.name }) {
      let points = grade.error == nil ? "\(format(grade.total))/\(format(grade.maximum))" : "error"
      lines.append(
        grade.name.padding(toLength: width, withPad: " ", startingAt: 0)
          + points.padding(toLength: 12, withPad: " ", startingAt: 0)
          + grade.flags.map(\.kind).joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }
}

/// Formats points without a needless `.0`.
func format(_ value: Double) -> String {
  value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
}

/// Quotes a CSV field when needed (RFC 4180).
func csvField(_ text: String) -> String {
  if text.contains(",") || text.contains("\"") || text.contains("\n") {
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
  return text
}

/// A value shared between threads behind a lock.
final class Locked<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()
  init(_ value: Value) { self.value = value }
  func withValue<T>(_ body: (inout Value) -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body(&value)
  }
}

/// An exclusive lock on a file (`flock`), released by ``release()`` or when the process ends.
final class SlotLock {
  private let descriptor: Int32

  init(_ url: URL) throws {
    descriptor = open(url.path, O_CREAT | O_RDWR, 0o644)
    guard descriptor >= 0 else { throw GraderError("cannot open the lock \(url.path)") }
    guard flock(descriptor, LOCK_EX) == 0 else {
      close(descriptor)
      throw GraderError("cannot lock \(url.path)")
    }
  }

  func release() {
    _ = flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
