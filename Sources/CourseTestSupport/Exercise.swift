import Foundation
import RNNCore
import XCTest

/// Whether the unit modules were built from `Solutions/` (`RNNKIT_SOLUTIONS=1`).
public let isSolutionsMode: Bool = {
  #if RNNKIT_SOLUTIONS
    return true
  #else
    return false
  #endif
}()

/// Runs one course test body so that unwritten stubs and shape errors stay readable.
///
/// The body runs on its own thread under an ``ExerciseGate``:
/// - if it finishes, its assertions stand as usual;
/// - if it reaches a stub, the test is **skipped** with a message naming the exercise and the
///   lecture section (in solutions mode that is a **failure**, since every exercise must be
///   written there);
/// - if it breaks a shape precondition, the test **fails** with the precondition's message
///   instead of crashing the test process.
///
/// ```swift
/// func testForwardMatchesGoldenValues() throws {
///   try exercise {
///     let y = layer.forward(x)
///     assertClose(y, expected)
///   }
/// }
/// ```
public func exercise(
  file: StaticString = #filePath, line: UInt = #line, _ body: @escaping () throws -> Void
) throws {
  ProofOfCompletion.installIfRequested()
  Transcript.start()
  let gate = ExerciseGate()
  let box = UncheckedSendable(body)
  let thrown = UncheckedSendable<Error?>(nil)
  let thread = Thread {
    gate.install()
    do { try box.value() } catch { thrown.value = error }
    gate.finish(.completed)
  }
  thread.stackSize = 16 << 20
  thread.start()
  switch gate.wait() {
  case .completed:
    if let error = thrown.value {
      Transcript.write(["k": "error", "l": "the test body threw an error"])
      throw error
    }
  case .notImplemented(let number, let title, let lecture):
    Transcript.write(["k": "skip", "exercise": number])
    let message = "exercise \(number) (\(title)) is not implemented yet; read \(lecture)"
    if isSolutionsMode {
      XCTFail("solutions mode: \(message)", file: file, line: line)
    } else {
      throw XCTSkip(message, file: file, line: line)
    }
  case .preconditionFailed(let message, let where_, let at):
    Transcript.write(["k": "precondition", "l": message, "file": where_, "line": at])
    XCTFail("\(message) (raised at \(where_):\(at))", file: file, line: line)
  }
}

/// A box that lets a value cross to the test body's thread; the harness waits for that thread
/// before reading the value again, so the accesses never overlap.
final class UncheckedSendable<Value>: @unchecked Sendable {
  var value: Value
  init(_ value: Value) { self.value = value }
}
