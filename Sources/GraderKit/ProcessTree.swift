import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Limits on a process and everything it starts.
public struct ProcessLimits: Sendable {
  /// Seconds before the whole tree is killed; `nil` waits for ever.
  public var timeout: Double?
  /// The most resident memory the whole tree may hold, in bytes (polled; Linux).
  public var memoryBytes: Int?
  /// The most processes the tree may hold at once (polled; Linux).
  public var maxProcesses: Int?

  public init(timeout: Double? = nil, memoryBytes: Int? = nil, maxProcesses: Int? = nil) {
    self.timeout = timeout
    self.memoryBytes = memoryBytes
    self.maxProcesses = maxProcesses
  }
}

/// Starts a child in a session (and process group) of its own and supervises the whole tree:
/// it waits with `waitpid` and a deadline (never on a pipe or socket a grandchild could keep
/// open), polls the tree's resident memory and size, and kills the whole group when the time,
/// memory or process limit is passed and again when the child ends, so nothing it started
/// outlives it. Everything still running when the grader gets SIGINT or SIGTERM is killed and
/// every registered temporary folder removed.
public enum ProcessTree {
  /// Runs `argv` with exactly `environment`, standard input from `/dev/null`, standard output
  /// and error to the file `output`, and (when given) `channel` open as descriptor 3.
  public static func run(
    _ argv: [String], environment: [String: String], output: URL, channel: URL? = nil,
    limits: ProcessLimits = ProcessLimits(), echo: Bool = false
  ) throws -> ProcessResult {
    installSignalHandlers()
    let outFD = open(output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard outFD >= 0 else { throw GraderError("cannot write \(output.path)") }
    defer { close(outFD) }
    var channelFD: Int32 = -1
    if let channel {
      channelFD = open(channel.path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
      guard channelFD >= 0 else { throw GraderError("cannot write \(channel.path)") }
    }
    defer { if channelFD >= 0 { close(channelFD) } }

    let start = Date()
    let pid = try spawn(argv, environment: environment, outFD: outFD, channelFD: channelFD)
    Registry.shared.add(group: pid)
    defer { Registry.shared.remove(group: pid) }

    var status: Int32 = 0
    var timedOut = false
    var overMemory = false
    var overProcesses = false
    var seen = Set<pid_t>()
    var echoed = 0
    var lastPoll = Date.distantPast
    while true {
      let waited = waitpid(pid, &status, WNOHANG)
      if waited == pid { break }
      if waited < 0 && errno != EINTR { break }
      usleep(10_000)
      if echo { echoed = echoNew(from: output, after: echoed) }
      if let timeout = limits.timeout, Date().timeIntervalSince(start) > timeout {
        timedOut = true
      }
      if Date().timeIntervalSince(lastPoll) > 0.1 {
        lastPoll = Date()
        let tree = ProcessTable.tree(of: pid)
        seen.formUnion(tree.pids)
        if let bytes = limits.memoryBytes, tree.residentBytes > bytes { overMemory = true }
        if let count = limits.maxProcesses, tree.pids.count > count { overProcesses = true }
      }
      if timedOut || overMemory || overProcesses {
        killTree(pid, also: seen)
        _ = waitpid(pid, &status, 0)
        break
      }
    }
    // Whatever the child left behind ends with it.
    killTree(pid, also: seen.union(ProcessTable.tree(of: pid).pids))
    if echo { _ = echoNew(from: output, after: echoed) }
    let data = FileManager.default.contents(atPath: output.path) ?? Data()
    let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
    return ProcessResult(
      status: signaled ? status & 0x7f : (status >> 8) & 0xff,
      crashedBySignal: signaled || timedOut || overMemory || overProcesses,
      timedOut: timedOut,
      output: String(decoding: data, as: UTF8.self),
      seconds: Date().timeIntervalSince(start),
      limitExceeded: overMemory
        ? "memory" : overProcesses ? "processes" : nil)
  }

  /// Starts `argv` in `directory` with this process's environment and returns at once (for
  /// tests that supervise a grader from outside).
  public static func spawnDetached(_ argv: [String], directory: URL, output: URL) throws -> pid_t {
    let outFD = open(output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard outFD >= 0 else { throw GraderError("cannot write \(output.path)") }
    defer { close(outFD) }
    return try spawn(
      ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path] + argv,
      environment: ProcessInfo.processInfo.environment, outFD: outFD, channelFD: -1)
  }

  static func killTree(_ group: pid_t, also pids: Set<pid_t>) {
    kill(-group, SIGKILL)
    for pid in pids where pid > 1 { kill(pid, SIGKILL) }
  }

  /// `posix_spawn` in a new session, with the descriptors set up.
  static func spawn(
    _ argv: [String], environment: [String: String], outFD: Int32, channelFD: Int32
  ) throws -> pid_t {
    guard let executable = argv.first else { throw GraderError("nothing to run") }
    #if os(Linux)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
      let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID
    #else
      var actions: posix_spawn_file_actions_t?
      var attributes: posix_spawnattr_t?
      let setsid: Int32 = 0x400  // POSIX_SPAWN_SETSID
    #endif
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outFD, 1)
    posix_spawn_file_actions_adddup2(&actions, outFD, 2)
    if channelFD >= 0 { posix_spawn_file_actions_adddup2(&actions, channelFD, 3) }
    // Signals the grader ignores must not stay ignored in the child.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    let flags = setsid | Int32(POSIX_SPAWN_SETSIGDEF)
    posix_spawnattr_setflags(&attributes, Int16(flags))

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in cArguments { free(pointer) }
      for pointer in cEnvironment { free(pointer) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, &attributes, cArguments, cEnvironment)
    guard result == 0 else {
      throw GraderError("cannot start \(executable): \(String(cString: strerror(result)))")
    }
    return pid
  }

  private static func echoNew(from url: URL, after offset: Int) -> Int {
    guard let data = FileManager.default.contents(atPath: url.path), data.count > offset else {
      return offset
    }
    FileHandle.standardOutput.write(data.subdata(in: offset..<data.count))
    return data.count
  }

  // MARK: - Ending with the grader

  /// Folders removed when the grader is interrupted (and by their owners when done).
  public static func registerTemporary(_ url: URL) { Registry.shared.add(folder: url.path) }
  public static func unregisterTemporary(_ url: URL) { Registry.shared.remove(folder: url.path) }

  /// Runs `body`, which creates files inside registered folders, unless the grader is being
  /// interrupted (then it throws): a test slot must not recreate a folder the signal handler
  /// has just removed.
  public static func unlessInterrupted<T>(_ body: () throws -> T) throws -> T {
    try Registry.shared.whileRunning(body)
  }

  nonisolated(unsafe) private static var signalSources: [DispatchSourceSignal] = []
  private static let installLock = NSLock()

  /// On SIGINT or SIGTERM: kill every supervised tree, remove registered folders, and exit
  /// with 128 + the signal number.
  public static func installSignalHandlers() {
    installLock.lock()
    defer { installLock.unlock() }
    guard signalSources.isEmpty else { return }
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        Registry.shared.endEverything()
        exit(128 + signalNumber)
      }
      source.resume()
      signalSources.append(source)
    }
  }

  final class Registry: @unchecked Sendable {
    static let shared = Registry()
    private let lock = NSLock()
    private var groups = Set<pid_t>()
    private var folders = Set<String>()

    /// Set once the grader is being interrupted: from then on nothing new may start.
    private var ending = false

    /// Records a supervised group, or, if the grader is already ending, kills it at once (a
    /// slot whose test was just killed must not start the next one behind the handler).
    func add(group: pid_t) {
      let accepted = lock.withLock { () -> Bool in
        if ending { return false }
        groups.insert(group)
        return true
      }
      if !accepted { ProcessTree.killTree(group, also: ProcessTable.tree(of: group).pids) }
    }

    /// Runs `body` (which creates files inside the registered folders) unless the grader is
    /// ending: the handler then either removes what `body` made or `body` never runs.
    func whileRunning<T>(_ body: () throws -> T) throws -> T {
      lock.lock()
      defer { lock.unlock() }
      guard !ending else { throw GraderError("the grader is being interrupted") }
      return try body()
    }
    func remove(group: pid_t) { lock.withLock { _ = groups.remove(group) } }
    func add(folder: String) { lock.withLock { _ = folders.insert(folder) } }
    func remove(folder: String) { lock.withLock { _ = folders.remove(folder) } }

    func endEverything() {
      let (groups, folders) = lock.withLock { () -> (Set<pid_t>, Set<String>) in
        ending = true
        return (self.groups, self.folders)
      }
      for group in groups {
        let tree = ProcessTable.tree(of: group).pids
        ProcessTree.killTree(group, also: tree)
      }
      for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }
  }
}

/// The processes of this machine as `/proc` shows them (Linux; empty elsewhere).
enum ProcessTable {
  struct Tree {
    var pids: Set<pid_t>
    var residentBytes: Int
  }

  /// `root` and all its descendants, with their summed resident memory.
  static func tree(of root: pid_t) -> Tree {
    #if os(Linux)
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
        return Tree(pids: [root], residentBytes: 0)
      }
      var children: [pid_t: [pid_t]] = [:]
      var resident: [pid_t: Int] = [:]
      for name in names {
        guard let pid = pid_t(name),
          let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
        else { continue }
        // Fields after the command name: state ppid pgrp session ... rss is field 24.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 21, let ppid = pid_t(fields[1]), let pages = Int(fields[21]) else {
          continue
        }
        children[ppid, default: []].append(pid)
        resident[pid] = pages
      }
      var result = Set<pid_t>()
      var queue = [root]
      while let pid = queue.popLast() {
        guard result.insert(pid).inserted else { continue }
        queue += children[pid] ?? []
      }
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      let bytes = result.reduce(0) { $0 + (resident[$1] ?? 0) * page }
      return Tree(pids: result, residentBytes: bytes)
    #else
      return Tree(pids: [root], residentBytes: 0)
    #endif
  }
}
