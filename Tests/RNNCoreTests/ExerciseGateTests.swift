import Foundation
import RNNCore
import XCTest

/// The gate is what turns a stub or a broken shape precondition into a readable test outcome,
/// so the rest of this suite (and every course test) leans on it.
final class ExerciseGateTests: XCTestCase {
  /// Runs `body` on a fresh thread under a new gate and returns how it ended.
  private func outcome(_ body: @escaping @Sendable () -> Void) -> ExerciseOutcome {
    let gate = ExerciseGate()
    let thread = Thread {
      gate.install()
      body()
      gate.finish(.completed)
    }
    thread.start()
    return gate.wait()
  }

  func testABodyThatReturnsIsCompleted() {
    XCTAssertEqual(outcome { _ = Matrix.identity(2) }, .completed)
  }

  func testAStubIsReportedWithItsExerciseTitleAndLecture() {
    let result = outcome {
      notImplemented("00.1", "Affine.forward", lecture: "Lectures/00-warm-up.md#3")
    }
    XCTAssertEqual(
      result,
      .notImplemented(
        exercise: "00.1", title: "Affine.forward", lecture: "Lectures/00-warm-up.md#3"))
  }

  func testABrokenShapePreconditionNamesTheShapesAndWhereItWasRaised() {
    let result = outcome { _ = Matrix.zeros(2, 3) + Matrix.zeros(3, 2) }
    guard case .preconditionFailed(let message, let file, let line) = result else {
      return XCTFail("expected a precondition failure, got \(result)")
    }
    XCTAssertTrue(message.contains("shapes 2x3 and 3x2 differ"), message)
    XCTAssertTrue(file.hasPrefix("RNNCore/"), "raised at \(file)")
    XCTAssertGreaterThan(line, 0)
  }

  func testTheFirstOutcomeWins() {
    let gate = ExerciseGate()
    gate.finish(.notImplemented(exercise: "1", title: "t", lecture: "l"))
    gate.finish(.completed)
    XCTAssertEqual(gate.wait(), .notImplemented(exercise: "1", title: "t", lecture: "l"))
  }

  func testInstallRegistersTheGateForTheCallingThreadOnly() {
    XCTAssertNil(ExerciseGate.current, "the test thread has no gate")
    let seen = SeenFlag()
    XCTAssertEqual(outcome { seen.value = ExerciseGate.current != nil }, .completed)
    XCTAssertTrue(seen.value, "the body's thread sees the gate installed for it")
    XCTAssertNil(ExerciseGate.current, "installing on another thread leaves this one alone")
  }
}

/// Written on the body's thread before the gate is signalled, read after `wait()` returns.
private final class SeenFlag: @unchecked Sendable {
  var value = false
}
