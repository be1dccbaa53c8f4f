import Foundation

/// Builds what leaves the instructor's hands: the student handout and the Gradescope
/// autograder.
public enum Handout {
  /// Never copied out of the kit: build outputs, version control and maintainer material.
  static let alwaysExcluded: Set = [
    ".git", ".build", ".swiftpm", "Package.resolved", ".DS_Store", ".ci",
  ]
  /// What the student handout leaves out: the reference solutions, hidden tests, mutant
  /// catalogs, and the instructor notes with the full derivations (unless asked for).
  public static let studentExcluded: Set = [
    "Solutions", "Grader/HiddenTests", "Grader/Mutants", derivations,
  ]
  /// The instructor notes: full derivations and the answers to the lectures' questions.
  public static let derivations = "Lectures/derivations"

  /// Copies the kit to `destination` without `excluded` paths (relative to the root).
  static func copyKit(
    _ layout: PackageLayout, to destination: URL, excluding excluded: Set<String>
  )
    throws
  {
    let fm = FileManager.default
    func copy(_ relative: String) throws {
      let source = layout.root.appendingPathComponent(relative)
      let target = destination.appendingPathComponent(relative)
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: source.path, isDirectory: &isDirectory) else { return }
      if isDirectory.boolValue {
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: source.path).sorted() {
          let child = relative.isEmpty ? name : "\(relative)/\(name)"
          if excluded.contains(child) || alwaysExcluded.contains(name) || name.hasPrefix(".build") {
            continue
          }
          try copy(child)
        }
      } else {
        try fm.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.copyItem(at: source, to: target)
      }
    }
    try copy("")
  }

  /// Writes the student handout to `destination` (which must not exist yet, or be empty);
  /// `withDerivations` ships the instructor notes too (for a guided course).
  public static func release(
    _ layout: PackageLayout, to destination: URL, withDerivations: Bool = false
  ) throws {
    let fm = FileManager.default
    if fm.fileExists(atPath: destination.path),
      !(try fm.contentsOfDirectory(atPath: destination.path)).isEmpty
    {
      throw GraderError("\(destination.path) is not empty; choose a new folder")
    }
    if destination.standardizedFileURL.path.hasPrefix(layout.root.standardizedFileURL.path + "/") {
      throw GraderError("write the handout outside the kit (got \(destination.path))")
    }
    try copyKit(
      layout, to: destination,
      excluding: withDerivations ? studentExcluded.subtracting([derivations]) : studentExcluded)
  }

  /// Writes a Gradescope autograder zip: `setup.sh` and `run_autograder` at the root, with
  /// the kit (with the reference solutions the grader compares against and the hidden tests,
  /// without mutant catalogs and lectures) beside them. Students never see the zip, and the
  /// test processes run with it hidden (see `Sandbox`).
  public static func gradescope(
    _ layout: PackageLayout, to zipURL: URL, swiftVersion: String
  )
    throws
  {
    let staging = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-gradescope-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: staging) }
    try copyKit(
      layout, to: staging, excluding: ["Grader/Mutants", "Lectures"])
    try setupScript(swiftVersion: swiftVersion).write(
      to: staging.appendingPathComponent("setup.sh"), atomically: true, encoding: .utf8)
    try runScript.write(
      to: staging.appendingPathComponent("run_autograder"), atomically: true, encoding: .utf8)
    var writer = ZipWriter()
    for relative in try allFiles(under: staging) {
      let data = FileManager.default.contents(atPath: staging.appendingPathComponent(relative).path)
      let executable = relative == "setup.sh" || relative == "run_autograder"
      writer.add(path: relative, data: data ?? Data(), executable: executable)
    }
    try AtomicFile.write(writer.finish(), to: zipURL)
  }

  static func allFiles(under root: URL) throws -> [String] {
    let fm = FileManager.default
    var out: [String] = []
    let enumerator = fm.enumerator(atPath: root.path)
    while let item = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if fm.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        out.append(item)
      }
    }
    return out.sorted()
  }

  /// Installs the Swift toolchain the way swift.org documents for Ubuntu (the system
  /// packages it needs, then the release tarball unpacked under /opt/swift), and builds the
  /// grader once so each submission only compiles its own exercises.
  static func setupScript(swiftVersion: String) -> String {
    """
    #!/usr/bin/env bash
    # Gradescope setup: installs Swift \(swiftVersion) and builds the kit's grader.
    set -euo pipefail
    SWIFT_VERSION="\(swiftVersion)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y \\
      binutils curl git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-11-dev \\
      libpython3-dev libsqlite3-0 libstdc++-11-dev libxml2-dev libz3-dev pkg-config tzdata \\
      unzip zlib1g-dev
    . /etc/os-release
    PLATFORM="ubuntu${VERSION_ID}"
    DIRECTORY="${PLATFORM//./}"
    URL="https://download.swift.org/swift-${SWIFT_VERSION}-release/${DIRECTORY}/swift-${SWIFT_VERSION}-RELEASE/swift-${SWIFT_VERSION}-RELEASE-${PLATFORM}.tar.gz"
    curl -fsSL "$URL" -o /tmp/swift.tar.gz
    mkdir -p /opt/swift
    tar -xzf /tmp/swift.tar.gz -C /opt/swift --strip-components=1
    export PATH="/opt/swift/usr/bin:$PATH"
    swift --version
    cd /autograder/source
    swift build --product grade
    # Grade the pristine stubs once, so the grading build is warm for every submission.
    mkdir -p /tmp/rnnkit-warm/stubs
    cp -R Exercises /tmp/rnnkit-warm/stubs/Exercises
    .build/debug/grade --submissions /tmp/rnnkit-warm --out /tmp/rnnkit-warm-out --force || true

    """
  }

  /// Grades `/autograder/submission` and writes `/autograder/results/results.json`.
  static let runScript = """
    #!/usr/bin/env bash
    # Gradescope entry point: grade the submission with the kit's own grader.
    set -uo pipefail
    export PATH="/opt/swift/usr/bin:$PATH"
    cd /autograder/source
    rm -rf /tmp/rnnkit-batch /tmp/rnnkit-out
    mkdir -p /tmp/rnnkit-batch /autograder/results
    cp -R /autograder/submission /tmp/rnnkit-batch/submission
    # The seed chosen when the image was set up: its reference transcripts are already cached.
    SEED=$(cat /tmp/rnnkit-warm-out/.cache/seed 2>/dev/null || true)
    .build/debug/grade --submissions /tmp/rnnkit-batch --out /tmp/rnnkit-out --force \\
      ${SEED:+--seed "$SEED"}
    if [ -f /tmp/rnnkit-out/results/submission.json ]; then
      cp /tmp/rnnkit-out/results/submission.json /autograder/results/results.json
    else
      printf '{"score": 0, "output": "The autograder could not grade this submission."}' \\
        > /autograder/results/results.json
    fi

    """
}

/// A minimal ZIP writer (stored entries, no compression), enough for an autograder bundle.
public struct ZipWriter {
  private var body = Data()
  private var directory = Data()
  private var count: UInt16 = 0

  public init() {}

  /// Adds a file; with `symbolicLink`, an entry that unpacks as a link to the path in `data`.
  public mutating func add(
    path: String, data: Data, executable: Bool = false, symbolicLink: Bool = false
  ) {
    let name = Data(path.utf8)
    let crc = CRC32.checksum(data)
    let offset = UInt32(body.count)
    var local = Data()
    local.append(le32: 0x0403_4b50)
    local.append(le16: 20)  // version needed
    local.append(le16: 0x0800)  // UTF-8 names
    local.append(le16: 0)  // stored
    local.append(le16: 0)  // time
    local.append(le16: 0x21)  // date: 1980-01-01
    local.append(le32: crc)
    local.append(le32: UInt32(data.count))
    local.append(le32: UInt32(data.count))
    local.append(le16: UInt16(name.count))
    local.append(le16: 0)
    local.append(name)
    body.append(local)
    body.append(data)

    let mode: UInt32 = symbolicLink ? 0o120777 : executable ? 0o100755 : 0o100644
    directory.append(le32: 0x0201_4b50)
    directory.append(le16: 0x031E)  // made by: Unix, version 3.0
    directory.append(le16: 20)
    directory.append(le16: 0x0800)
    directory.append(le16: 0)
    directory.append(le16: 0)
    directory.append(le16: 0x21)
    directory.append(le32: crc)
    directory.append(le32: UInt32(data.count))
    directory.append(le32: UInt32(data.count))
    directory.append(le16: UInt16(name.count))
    directory.append(le16: 0)  // extra
    directory.append(le16: 0)  // comment
    directory.append(le16: 0)  // disk
    directory.append(le16: 0)  // internal attributes
    directory.append(le32: mode << 16)
    directory.append(le32: offset)
    directory.append(name)
    count += 1
  }

  public func finish() -> Data {
    var out = body
    let directoryOffset = UInt32(body.count)
    out.append(directory)
    out.append(le32: 0x0605_4b50)
    out.append(le16: 0)
    out.append(le16: 0)
    out.append(le16: count)
    out.append(le16: count)
    out.append(le32: UInt32(directory.count))
    out.append(le32: directoryOffset)
    out.append(le16: 0)
    return out
  }
}

/// The CRC-32 checksum of ZIP (polynomial 0xEDB88320).
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n -> UInt32 in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}

extension Data {
  fileprivate mutating func append(le16 value: UInt16) {
    append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8)])
  }

  fileprivate mutating func append(le32 value: UInt32) {
    append(contentsOf: (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) })
  }
}
