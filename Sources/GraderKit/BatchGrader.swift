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
  /// The seed the hidden tests were run with.
  public var seed: UInt64 = 0
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

/// Grades a folder of submissions.
///
/// The verdict on every test is taken outside the process that ran student code: each test runs
/// in its own sandboxed process (see ``Sandbox``) that only reports the values reaching its
/// assertions, and ``TranscriptJudge`` compares them with a run of the same tests against the
/// reference solutions, built separately and never linked with student code. Each submission is
/// built in a scratch copy of the kit that takes only the Swift files of its `Exercises/`; a
/// unit that breaks a rule (``SourcePolicy``) or does not compile (its own files, its tests
/// against it, or the link) is graded with the stubs. Outputs are written atomically and a
/// cache lets a rerun skip what is already graded.
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
  /// The hidden tests' seed; `nil` draws one per output folder (kept for reruns).
  public var seed: UInt64?
  /// The isolation of test processes; `nil` for the strongest the machine allows.
  public var sandboxKind: Sandbox.Kind?
  public var log: @Sendable (String) -> Void = { print($0) }

  public init(layout: PackageLayout, submissions: URL, output: URL) {
    self.layout = layout
    self.submissions = submissions
    self.output = output
  }

  /// The submissions in the folder: subfolders and `.zip` files, sorted by name. A folder and
  /// a zip with the same stem keep their full names (`dup` and `dup.zip`), so no two entries
  /// share a row, a feedback file or a cache slot.
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
      if SubmissionSource.isSymbolicLink(url.path) || itemIsDirectory.boolValue {
        entries.append((item, url))
      } else if item.lowercased().hasSuffix(".zip") {
        entries.append((String(item.dropLast(4)), url))
      }
    }
    let stems = Dictionary(grouping: entries.map(\.name)) { $0 }
    return entries.map { entry in
      stems[entry.name, default: []].count > 1 ? (entry.url.lastPathComponent, entry.url) : entry
    }
  }

  /// Everything one batch shares: the rubric, the reference transcripts, the seed, the
  /// sandbox and the private scratch root.
  struct Context: Sendable {
    var rubric: Rubric
    var kitHash: String
    var seed: UInt64
    var sandbox: Sandbox
    var root: URL
    var executionRoot: URL
    var tests: [String]
    var reference: [String: Data]
    var exercises: [String: String]
  }

  /// Grades every submission and writes the outputs. One broken submission never stops the
  /// batch: its problem is recorded and the batch goes on.
  public func run() throws -> [SubmissionGrade] {
    let fm = FileManager.default
    ProcessTree.installSignalHandlers()
    let entries = try submissionEntries()
    for folder in ["feedback", "results", ".cache"] {
      try fm.createDirectory(
        at: output.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    guard fm.fileExists(atPath: layout.solutions.path) else {
      throw GraderError(
        "grading a class needs the reference solutions (Solutions/), which this copy of the kit "
          + "does not have; grade from the instructor's kit")
    }
    let rubric = try Rubric.load(packageRoot: layout.root)
    let seed = try batchSeed()
    let kitHash = try kitFingerprint(seed: seed)
    // A private root for scratch copies, reference transcripts and unpacked zips; test
    // processes never see it.
    let root = fm.temporaryDirectory
      .appendingPathComponent("rnnkit-grader-\(Fingerprint.of(layout.root.path))")
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    chmod(root.path, 0o700)
    let executionRoot = fm.temporaryDirectory
      .appendingPathComponent("rnnkit-exec-\(UUID().uuidString)")
    try fm.createDirectory(at: executionRoot, withIntermediateDirectories: true)
    chmod(executionRoot.path, 0o755)
    ProcessTree.registerTemporary(executionRoot)
    for slot in ["reference"] + (0..<max(1, jobs)).map({ "slot-\($0)" }) {
      let folder = executionRoot.appendingPathComponent(slot)
      try fm.createDirectory(at: folder, withIntermediateDirectories: true)
      chmod(folder.path, 0o755)
    }
    defer {
      try? fm.removeItem(at: executionRoot)
      ProcessTree.unregisterTemporary(executionRoot)
    }
    let kind = sandboxKind ?? Sandbox.strongest
    let hidden = [
      layout.root.path, root.path, output.path, submissions.path,
      ProcessInfo.processInfo.environment["HOME"] ?? "",
    ].filter { path in
      !path.isEmpty && path != "/" && fm.fileExists(atPath: path)
        && !executionRoot.path.hasPrefix(path + "/")
    }
    let sandbox = Sandbox(kind: kind, hidden: Array(Set(hidden)).sorted())
    log("Test processes run isolated by: \(kind.rawValue); hidden tests' seed \(seed)")
    let (tests, reference) = try referenceTranscripts(
      root: root, executionRoot: executionRoot, sandbox: sandbox, seed: seed, kitHash: kitHash,
      rubric: rubric)
    let context = Context(
      rubric: rubric, kitHash: kitHash, seed: seed, sandbox: sandbox, root: root,
      executionRoot: executionRoot, tests: tests, reference: reference,
      exercises: TranscriptJudge.exerciseCatalog(stubs: layout.exercises))

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
      let grade = grader.gradeOne(name: name, url: url, slot: slot, context: context)
      results.withValue { $0[index] = grade }
    }
    let grades = results.withValue { $0 }.compactMap { $0 }
    try writeGradebook(grades)
    return grades
  }

  /// The seed of this output folder's hidden tests: `seed` if set, else the one stored by an
  /// earlier run (so a resumed batch grades alike), else a fresh random one.
  func batchSeed() throws -> UInt64 {
    let url = output.appendingPathComponent(".cache/seed")
    if let seed { return seed }
    if let data = FileManager.default.contents(atPath: url.path),
      let stored = UInt64(
        String(decoding: data, as: UTF8.self)
          .trimmingCharacters(in: .whitespacesAndNewlines))
    {
      return stored
    }
    let fresh = UInt64.random(in: 1...UInt64(Int64.max))
    try AtomicFile.write("\(fresh)\n", to: url)
    return fresh
  }

  /// Builds the reference solutions in a scratch copy of their own and runs every course test
  /// against them, sandboxed like a student's; the transcripts are kept under the private root.
  func referenceTranscripts(
    root: URL, executionRoot: URL, sandbox: Sandbox, seed: UInt64, kitHash: String,
    rubric: Rubric
  ) throws -> (tests: [String], transcripts: [String: Data]) {
    let fm = FileManager.default
    let scratch = root.appendingPathComponent("reference")
    let records = root.appendingPathComponent("reference-\(kitHash)")
    let lock = try SlotLock(root.appendingPathComponent(".reference.lock"))
    defer { lock.release() }
    try layout.mirror(into: scratch, parts: ["Package.swift", "Sources", "Grader", "Solutions"])
    var runner = CourseTestRunner(packageRoot: scratch, solutionsMode: true)
    runner.extraEnvironment = ["RNNKIT_GRADING": "1"]
    if let units { runner.extraEnvironment["RNNKIT_UNITS"] = units.joined(separator: ",") }
    runner.memoryLimitMiB = memoryLimitMiB
    let listURL = records.appendingPathComponent("tests.txt")
    if let list = fm.contents(atPath: listURL.path) {
      let tests = String(decoding: list, as: UTF8.self).split(separator: "\n").map(String.init)
      var transcripts: [String: Data] = [:]
      for test in tests {
        let file = test.replacingOccurrences(of: "/", with: "__")
        transcripts[test] = fm.contents(
          atPath: records.appendingPathComponent("\(file).transcript").path)
      }
      if transcripts.count == tests.count {
        log("Reference transcripts: reused (\(tests.count) tests)")
        return (tests, transcripts)
      }
    }
    log("Building the reference solutions ...")
    let build = try runner.build()
    guard build.succeeded else {
      throw GraderError(
        "the reference solutions do not build:\n"
          + CompilerErrors.summary(build.output, scratch: scratch))
    }
    let tests = try runner.listTests().filter { $0.hasPrefix("Unit") }
    log("Running \(tests.count) tests against the reference solutions ...")
    let area = ExecutionArea(
      folder: executionRoot.appendingPathComponent("reference"),
      siblings: (0..<max(1, jobs)).map { executionRoot.appendingPathComponent("slot-\($0)") })
    let limit = timeoutOverride ?? rubric.timeout
    let runs = try runner.runTranscribed(
      tests: tests, area: area, sandbox: sandbox, records: records, seed: seed,
      timeout: max(limit, 120))
    var problems: [String] = []
    for test in tests {
      guard let run = runs[test] else { continue }
      if let problem = TranscriptJudge.referenceProblem(run.transcript, result: run.result) {
        problems.append("\(test): \(problem)")
      }
    }
    if !problems.isEmpty {
      throw GraderError(
        "the reference solutions do not pass every course test as the grader runs them, so "
          + "nothing can be graded against them:\n  "
          + problems.prefix(20).joined(separator: "\n  "))
    }
    try AtomicFile.write(tests.joined(separator: "\n"), to: listURL)
    return (tests, runs.mapValues(\.transcript))
  }

  /// Grades one submission, using the cache when allowed; never throws.
  func gradeOne(name: String, url: URL, slot: Int, context: Context) -> SubmissionGrade {
    let started = Date()
    let cacheURL = output.appendingPathComponent(".cache/\(name).json")
    var grade = SubmissionGrade(
      name: name, key: "", outcomes: [], points: [:], possible: [:], fallbackUnits: [:],
      flags: [], seed: context.seed, error: nil, seconds: 0)
    do {
      let source = try SubmissionSource.open(url, temporaryRoot: context.root)
      defer { source.cleanUp() }
      guard source.exercises != nil else {
        throw GraderError(
          "no Exercises/ folder (nor UnitNN/ folders) in this submission; nothing to grade")
      }
      let key = Fingerprint.combine([context.kitHash, try source.fingerprint()])
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
      try build(&grade, source: source, slot: slot, context: context)
    } catch {
      grade.error = "\(error)"
      log("\(name): could not be graded: \(error)")
    }
    grade.seconds = Date().timeIntervalSince(started)
    do {
      try writeOutputs(for: grade, rubric: context.rubric)
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
  /// that break a rule or do not compile) and runs and judges every course test.
  func build(
    _ grade: inout SubmissionGrade, source: SubmissionSource, slot: Int, context: Context
  ) throws {
    let fm = FileManager.default
    let scratch = context.root.appendingPathComponent("slot-\(slot)")
    let kitUnits = try layout.units()
    let selected = kitUnits.filter { units?.contains($0) ?? true }
    if selected.isEmpty { throw GraderError("no such unit: \(units ?? [])") }
    var fallback = try policyViolations(in: source, units: kitUnits)
    // One grader at a time per slot, even across processes (two batches on one kit).
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    let lock = try SlotLock(scratch.appendingPathComponent(".grader.lock"))
    defer { lock.release() }
    var runner = CourseTestRunner(packageRoot: scratch)
    runner.extraEnvironment = ["RNNKIT_GRADING": "1"]
    if units != nil { runner.extraEnvironment["RNNKIT_UNITS"] = selected.joined(separator: ",") }
    runner.memoryLimitMiB = memoryLimitMiB
    let submitted = Set(
      kitUnits.filter { unit in
        source.exercises.map {
          fm.fileExists(atPath: $0.appendingPathComponent("Unit\(unit)").path)
        } ?? false
      })
    try buildWithFallbacks(
      runner: runner, source: source, scratch: scratch, submitted: submitted,
      fallback: &fallback)
    grade.fallbackUnits = fallback
    let tests = context.tests.filter { test in selected.contains(unitNumber(ofTest: test)) }
    let area = ExecutionArea(
      folder: context.executionRoot.appendingPathComponent("slot-\(slot)"),
      siblings: [context.executionRoot.appendingPathComponent("reference")]
        + (0..<max(1, jobs)).filter { $0 != slot }.map {
          context.executionRoot.appendingPathComponent("slot-\($0)")
        })
    let records = scratch.appendingPathComponent("records")
    try? fm.removeItem(at: records)
    let limit = timeoutOverride ?? context.rubric.timeout
    let runs = try runner.runTranscribed(
      tests: tests, area: area, sandbox: context.sandbox, records: records, seed: context.seed,
      timeout: limit)
    for test in tests {
      guard let run = runs[test] else { continue }
      let outcome = TranscriptJudge.outcome(
        test: test, result: run.result, transcript: run.transcript,
        reference: context.reference[test] ?? Data(), exercises: context.exercises)
      grade.outcomes.append(outcome)
      let points = context.rubric.points(for: test)
      grade.possible[test] = points
      grade.points[test] = outcome.status == .passed ? points : 0
    }
  }

  /// Units whose files break a rule of ``SourcePolicy``, with the reason.
  func policyViolations(in source: SubmissionSource, units: [String]) throws -> [String: String] {
    guard let exercises = source.exercises else { return [:] }
    var rejected: [String: String] = [:]
    for unit in units {
      var files: [(path: String, data: Data)] = []
      for relative in try source.files(ofUnit: unit) {
        let url = exercises.appendingPathComponent("Unit\(unit)/\(relative)")
        files.append(("Exercises/Unit\(unit)/\(relative)", (try? Data(contentsOf: url)) ?? Data()))
      }
      if let problem = SourcePolicy.violation(files: files) {
        rejected[unit] = problem + "; the unit was graded with the stubs"
      }
    }
    return rejected
  }

  /// Builds, replacing with its stubs every unit whose code keeps the kit from building: its
  /// own compile errors, its tests failing to compile against it, a link error in its objects,
  /// or (from the compiler's dependency records) an import of a test module. An error no unit
  /// can be blamed for stubs every submitted unit, then restores them one at a time.
  func buildWithFallbacks(
    runner: CourseTestRunner, source: SubmissionSource, scratch: URL, submitted: Set<String>,
    fallback: inout [String: String]
  ) throws {
    var unexplained = false
    for _ in 0...(2 * submitted.count + 2) {
      try stage(source: source, into: scratch, stubbed: Set(fallback.keys))
      let build = try runner.build()
      if build.succeeded {
        var changed = false
        for unit in submitted.sorted() where fallback[unit] == nil {
          let folder = scratch.appendingPathComponent(".build/debug/Unit\(unit).build")
          let modules = SourcePolicy.importViolations(buildFolder: folder)
          let symbols = SourcePolicy.symbolViolations(buildFolder: folder, module: "Unit\(unit)")
          if !modules.isEmpty {
            fallback[unit] =
              "Exercises/Unit\(unit): exercise code may not import "
              + modules.joined(separator: ", ") + "; the unit was graded with the stubs"
            changed = true
          } else if !symbols.isEmpty {
            fallback[unit] =
              "Exercises/Unit\(unit): exercise code may not define the symbol "
              + symbols.prefix(3).map { "`\(TranscriptJudge.quote($0))`" }.joined(separator: ", ")
              + " (as `@_silgen_name` or `@_cdecl` would); the unit was graded with the stubs"
            changed = true
          }
        }
        if !changed { return }
        continue
      }
      let broken = CompilerErrors.units(in: build.output, scratch: scratch)
        .filter { fallback[$0.key] == nil && submitted.contains($0.key) }
      if !broken.isEmpty {
        for (unit, errors) in broken { fallback[unit] = errors }
        continue
      }
      let remaining = submitted.filter { fallback[$0] == nil }
      if remaining.isEmpty || unexplained {
        throw GraderError(
          "the kit failed to build for a reason outside Exercises/:\n"
            + CompilerErrors.summary(build.output, scratch: scratch))
      }
      // Nothing names a unit: find the culprits by adding the units back one at a time.
      unexplained = true
      let summary = CompilerErrors.summary(build.output, scratch: scratch)
      for unit in remaining { fallback[unit] = "" }
      for unit in remaining.sorted() {
        fallback[unit] = nil
        try stage(source: source, into: scratch, stubbed: Set(fallback.keys))
        if !(try runner.build().succeeded) {
          fallback[unit] =
            "the kit did not build (or link) with this unit's code:\n" + summary
        }
      }
    }
  }

  /// Lays out the scratch copy: the kit's own manifest, sources, course tests and grader files,
  /// and the submission's exercise files (or the stubs for missing or rejected units). Only
  /// regular files are copied.
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
        let file = origin.appendingPathComponent(relative)
        if SubmissionSource.isSymbolicLink(file.path) {
          throw GraderError("\(folder)/\(relative) is a symbolic link; submit plain files")
        }
        let target = destination.appendingPathComponent(relative)
        try fm.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contentsOf: file).write(to: target)
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
  func kitFingerprint(seed: UInt64) throws -> String {
    var parts: [String] = [
      units?.joined(separator: ",") ?? "all", "memory \(memoryLimitMiB)",
      "timeout \(timeoutOverride ?? -1)", "seed \(seed)",
    ]
    let swiftVersion = try ProcessRunner.run(
      ProcessRunner.which("swift") ?? "/usr/bin/swift", ["--version"])
    parts.append(swiftVersion.output)
    for folder in ["Package.swift", "Sources", "Tests", "Grader", "Exercises", "Solutions"] {
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

/// Quotes a CSV field when needed (RFC 4180). A field that a spreadsheet would read as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
func csvField(_ field: String) -> String {
  var text = field
  if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
    text = "'" + text
  }
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
