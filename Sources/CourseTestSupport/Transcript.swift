import Foundation
import XCTest

/// What a course test reports to the class grader.
///
/// When the grader runs a test, it opens a file for the test's transcript and passes its
/// descriptor in `RNNKIT_TRANSCRIPT_FD`. Every assertion helper of this module then writes one
/// JSON line with the values that reached it (the actual value, the expected value, the
/// tolerance and a label), and the harness adds lines for the test's beginning, a stub reached,
/// a broken precondition, a thrown error, and the test's end. The grader does not trust the
/// test process's verdict: it compares the actual values of a student's run with the expected
/// values of the same test run against the reference solutions, in its own process.
///
/// Outside the grader (`swift test`, `swift run grade` on one's own work) nothing is written
/// and the helpers behave as ordinary assertions.
public enum Transcript {
  static let environmentKey = "RNNKIT_TRANSCRIPT_FD"
  static let seedKey = "RNNKIT_GRADING_SEED"

  private static let lock = NSLock()
  nonisolated(unsafe) private static var started = false
  nonisolated(unsafe) private static var descriptor: Int32 = -1

  /// Whether this process writes a transcript (it was started by the class grader).
  public static var isRecording: Bool {
    start()
    return descriptor >= 0
  }

  /// Reads the channel from the environment and registers the end-of-test observer, once.
  static func start() {
    lock.lock()
    defer { lock.unlock() }
    guard !started else { return }
    started = true
    guard let text = ProcessInfo.processInfo.environment[environmentKey],
      let fd = Int32(text), fd > 2
    else { return }
    descriptor = fd
    XCTestObservationCenter.shared.addTestObserver(TranscriptObserver())
    writeLocked(["k": "begin"])
  }

  /// Writes one record (a JSON object on one line).
  static func write(_ record: [String: Any]) {
    start()
    lock.lock()
    defer { lock.unlock() }
    writeLocked(record)
  }

  private static func writeLocked(_ record: [String: Any]) {
    guard descriptor >= 0,
      var data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
    else { return }
    data.append(0x0A)
    data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(
          descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written <= 0 { return }
        offset += written
      }
    }
  }

  /// Numbers travel as text so that NaN and the infinities survive (`Double(text)` reads
  /// them back exactly).
  static func text(_ values: [Double]) -> [String] { values.map { "\($0)" } }
}

/// The seed a hidden test mixes into its inputs.
///
/// The class grader picks a fresh seed per grading run (`RNNKIT_GRADING_SEED`), so no answer to
/// a hidden test can be computed ahead of time; without it, the test's own `base` seed is used.
public func gradingSeed(_ base: UInt64) -> UInt64 {
  guard let text = ProcessInfo.processInfo.environment[Transcript.seedKey],
    let seed = UInt64(text), seed != 0
  else { return base }
  // SplitMix64's finalizer: a different, well-mixed seed per (base, grading seed).
  var z = base &+ seed &* 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return z ^ (z >> 31)
}

private final class TranscriptObserver: NSObject, XCTestObservation {
  func testCaseDidFinish(_ testCase: XCTestCase) {
    Transcript.write(["k": "end"])
  }
}
