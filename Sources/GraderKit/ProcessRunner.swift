import Foundation

/// The result of running a child process.
public struct ProcessResult: Sendable {
  /// The exit status, or the signal number when `crashedBySignal` is true.
  public var status: Int32
  /// Whether the process was ended by a signal (a crash, or our kill on a timeout).
  public var crashedBySignal: Bool
  /// Whether the process ran past its time limit and was killed.
  public var timedOut: Bool
  /// Standard output and standard error, interleaved.
  public var output: String
  /// Wall-clock seconds.
  public var seconds: Double

  public var succeeded: Bool { !crashedBySignal && !timedOut && status == 0 }
}

/// Runs commands with a time limit, capturing their output through a temporary file (a pipe
/// could fill up and stall a chatty child).
public enum ProcessRunner {
  /// Runs `executable` with `arguments` in `directory`.
  ///
  /// - Parameters:
  ///   - environment: variables added to (or replacing those of) this process's environment.
  ///   - timeout: seconds before the child is killed; `nil` waits for ever.
  ///   - echo: whether to copy the child's output to our standard output as it arrives.
  public static func run(
    _ executable: String, _ arguments: [String], in directory: URL? = nil,
    environment: [String: String] = [:], timeout: Double? = nil, echo: Bool = false
  ) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let logURL = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: logURL) }
    let log = try FileHandle(forWritingTo: logURL)
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    let start = Date()
    try process.run()
    var timedOut = false
    var echoed = 0
    while process.isRunning {
      Thread.sleep(forTimeInterval: 0.02)
      if echo { echoed = echoNew(from: logURL, after: echoed) }
      if let timeout, Date().timeIntervalSince(start) > timeout {
        timedOut = true
        process.terminate()
        Thread.sleep(forTimeInterval: 0.5)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        break
      }
    }
    process.waitUntilExit()
    try? log.close()
    if echo { _ = echoNew(from: logURL, after: echoed) }
    let data = FileManager.default.contents(atPath: logURL.path) ?? Data()
    return ProcessResult(
      status: process.terminationStatus,
      crashedBySignal: process.terminationReason == .uncaughtSignal,
      timedOut: timedOut,
      output: String(decoding: data, as: UTF8.self),
      seconds: Date().timeIntervalSince(start))
  }

  private static func echoNew(from url: URL, after offset: Int) -> Int {
    guard let data = FileManager.default.contents(atPath: url.path), data.count > offset else {
      return offset
    }
    FileHandle.standardOutput.write(data.subdata(in: offset..<data.count))
    return data.count
  }

  /// The full path of a program on `PATH`, such as `swift`.
  public static func which(_ program: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(program)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}
