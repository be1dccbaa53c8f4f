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
  /// `"memory"` or `"processes"` when the tree was killed for passing that limit.
  public var limitExceeded: String? = nil

  public var succeeded: Bool { !crashedBySignal && !timedOut && status == 0 }
}

/// Runs commands with a time limit, capturing their output through a temporary file (a pipe
/// could fill up and stall a chatty child). The child gets a session of its own, and whatever
/// it leaves running is killed when it ends (see ``ProcessTree``).
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
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let logURL = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-\(UUID().uuidString).log")
    ProcessTree.registerTemporary(logURL)
    defer {
      try? FileManager.default.removeItem(at: logURL)
      ProcessTree.unregisterTemporary(logURL)
    }
    var argv = [executable] + arguments
    if let directory {
      // The shell enters the folder, then becomes the program.
      argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path] + argv
    }
    return try ProcessTree.run(
      argv, environment: env, output: logURL, limits: ProcessLimits(timeout: timeout),
      echo: echo)
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
