import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a process that runs student code is walled off from the grader.
///
/// - `separateUser`: the grader runs as root (Gradescope, a container). Each test runs as an
///   unprivileged user (uid 65534) in its own PID and mount namespaces, with the kit, the
///   grader's scratch folders, the output folder, the submissions and the home folder covered
///   by empty file systems, a cap on its processes, and an empty working folder.
/// - `userNamespaces`: a non-root run where the kernel allows unprivileged user namespaces
///   (most Linux laptops): the same namespaces and covered folders, but the test runs as the
///   grader's own user (mapped to root inside its namespace) and without the process cap.
/// - `plain`: no namespaces (macOS, or a kernel that refuses them): only the empty working
///   folder, the session and memory limits; the test can read whatever the grader's user can.
public struct Sandbox: Sendable {
  public enum Kind: String, Sendable {
    case separateUser = "separate user, PID and mount namespaces"
    case userNamespaces = "user, PID and mount namespaces"
    case plain = "working folder and process limits only"
  }

  public var kind: Kind
  /// Folders covered with an empty file system inside the test's mount namespace.
  public var hidden: [String] = []
  /// The unprivileged user of `separateUser`.
  public static let userID = 65534
  /// The process cap of `separateUser`. RLIMIT_NPROC counts every process *and thread* of that
  /// user on the machine (all running tests share it), so it is generous; the per-test tree cap
  /// of 64 processes is what stops a fork bomb early.
  public static let processLimit = 1024

  public init(kind: Kind, hidden: [String] = []) {
    self.kind = kind
    self.hidden = hidden
  }

  /// The strongest isolation this machine allows (checked once by starting `/bin/true` in it).
  public static let strongest: Kind = {
    #if os(Linux)
      let root = geteuid() == 0
      let candidate: Kind = root ? .separateUser : .userNamespaces
      let probe = Sandbox(kind: candidate).wrap(
        ["/bin/true"], workingDirectory: "/", virtualMemoryKiB: nil)
      let log = FileManager.default.temporaryDirectory
        .appendingPathComponent("rnnkit-probe-\(UUID().uuidString).log")
      defer { try? FileManager.default.removeItem(at: log) }
      if let result = try? ProcessTree.run(
        probe, environment: ["PATH": "/usr/bin:/bin"], output: log,
        limits: ProcessLimits(timeout: 20)), result.succeeded
      {
        return candidate
      }
      return .plain
    #else
      return .plain
    #endif
  }()

  /// The command line that runs `command` in `workingDirectory` under this sandbox.
  public func wrap(
    _ command: [String], workingDirectory: String, virtualMemoryKiB: Int?
  ) -> [String] {
    // The shell covers the hidden folders (inside the new mount namespace), enters the
    // working folder, sets the memory limit, and becomes the test.
    let script = """
      w=$1; n=$2; v=$3; shift 3
      while [ "$n" -gt 0 ]; do
        mount -t tmpfs -o size=64k,mode=0555 rnnkit-hidden "$1" || exit 97
        shift; n=$((n-1))
      done
      cd "$w" || exit 98
      if [ "$v" != none ]; then ulimit -v "$v" 2>/dev/null; fi
      exec "$@"
      """
    let covered = kind == .plain ? [] : hidden
    var inner = command
    if kind == .separateUser {
      inner =
        [
          "/usr/bin/prlimit", "--nproc=\(Sandbox.processLimit)", "/usr/bin/setpriv",
          "--reuid=\(Sandbox.userID)", "--regid=\(Sandbox.userID)", "--clear-groups", "--",
        ] + command
    }
    let shell =
      ["/bin/sh", "-c", script, "sh", workingDirectory, "\(covered.count)"]
      + [virtualMemoryKiB.map(String.init) ?? "none"] + covered + inner
    switch kind {
    case .plain:
      return shell
    case .userNamespaces:
      return [
        "/usr/bin/unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child",
        "--mount", "--mount-proc", "--propagation", "private",
      ] + shell
    case .separateUser:
      return [
        "/usr/bin/unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc",
        "--propagation", "private",
      ] + shell
    }
  }

  /// An empty working folder the test's user can write, created fresh for one test.
  func makeWorkingFolder(in area: URL) throws -> URL {
    let folder = area.appendingPathComponent("work-\(UUID().uuidString)")
    try ProcessTree.unlessInterrupted {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      if kind == .separateUser {
        chown(folder.path, uid_t(Sandbox.userID), gid_t(Sandbox.userID))
        chmod(folder.path, 0o700)
      }
    }
    return folder
  }
}
