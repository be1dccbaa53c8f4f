import Foundation

/// How an exercise run ended, as seen by the course test harness.
public enum ExerciseOutcome: Sendable, Equatable {
  /// The test body ran to its end (its assertions may still have failed).
  case completed
  /// The body reached a stub that has not been written yet.
  case notImplemented(exercise: String, title: String, lecture: String)
  /// The body broke a precondition of the kit (for example a shape mismatch).
  case preconditionFailed(message: String, file: String, line: Int)
}

/// Lets the course test harness survive stubs and shape errors in student code.
///
/// The harness runs each test body on its own thread and registers an `ExerciseGate` for that
/// thread. When the body calls ``notImplemented(_:_:lecture:)`` or breaks a
/// ``shapePrecondition(_:_:file:line:)``, the gate records why, wakes the harness, and parks the
/// body's thread for good, so the harness can report a skip or a readable failure instead of
/// crashing the whole test process. Outside the harness (in `rnnkit`, say) the same calls print
/// a one-line message and stop the program.
public final class ExerciseGate: @unchecked Sendable {
  private let lock = NSLock()
  private let done = DispatchSemaphore(value: 0)
  private var result: ExerciseOutcome?

  private static let threadKey = "rnnkit.exercise-gate"

  public init() {}

  /// The gate registered for the calling thread, if any.
  public static var current: ExerciseGate? {
    Thread.current.threadDictionary[threadKey] as? ExerciseGate
  }

  /// Registers `self` as the gate of the calling thread.
  public func install() {
    Thread.current.threadDictionary[ExerciseGate.threadKey] = self
  }

  /// Records the outcome (the first one wins) and wakes the waiting harness.
  public func finish(_ outcome: ExerciseOutcome) {
    lock.lock()
    let first = result == nil
    if first { result = outcome }
    lock.unlock()
    if first { done.signal() }
  }

  /// Waits until the body finishes or is stopped, and returns how it ended.
  public func wait() -> ExerciseOutcome {
    done.wait()
    lock.lock()
    defer { lock.unlock() }
    return result ?? .completed
  }

  /// Parks the calling thread forever; used after `finish` on the body's thread.
  public static func park() -> Never {
    while true { Thread.sleep(forTimeInterval: 3600) }
  }
}

/// The body of an exercise stub: reports that the exercise is not written yet.
///
/// Under the course test harness the test is reported as skipped (or as failed in solutions
/// mode); anywhere else the program stops with one line naming the exercise and the lecture
/// section to read.
///
/// - Parameters:
///   - exercise: the exercise number, such as `"00.1"`.
///   - title: what to implement, such as `"Affine.forward"`.
///   - lecture: where it is taught, such as `"Lectures/00-warm-up.md#3-the-affine-layer"`.
public func notImplemented(_ exercise: String, _ title: String, lecture: String) -> Never {
  if let gate = ExerciseGate.current {
    gate.finish(.notImplemented(exercise: exercise, title: title, lecture: lecture))
    ExerciseGate.park()
  }
  let message =
    "error: exercise \(exercise) (\(title)) is not implemented yet; read \(lecture), "
    + "write it in Exercises/ (in the full kit, RNNKIT_SOLUTIONS=1 runs the reference instead)\n"
  FileHandle.standardError.write(Data(message.utf8))
  exit(1)
}

/// A precondition of the kit's own API, such as matching shapes.
///
/// Works like `precondition`, except that under the course test harness a failure becomes an
/// ordinary test failure carrying `message` (so one wrong shape in an exercise does not crash
/// every other test). The message should name both shapes.
@inline(__always)
public func shapePrecondition(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
  file: StaticString = #fileID, line: UInt = #line
) {
  if _slowPath(!condition()) {
    preconditionFailed(message(), file: file, line: line)
  }
}

/// Reports a broken precondition; see ``shapePrecondition(_:_:file:line:)``.
public func preconditionFailed(
  _ message: String, file: StaticString = #fileID, line: UInt = #line
) -> Never {
  if let gate = ExerciseGate.current {
    gate.finish(.preconditionFailed(message: message, file: "\(file)", line: Int(line)))
    ExerciseGate.park()
  }
  preconditionFailure(message, file: file, line: line)
}
