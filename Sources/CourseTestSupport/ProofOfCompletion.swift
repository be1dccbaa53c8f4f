import Foundation
import XCTest

/// Lets the grader tell a test that really ran to its end from one that only looks like it.
///
/// The grader starts each test process with a fresh random token in `RNNKIT_PROOF_TOKEN`. The
/// first ``exercise(file:line:_:)`` call takes the token out of the environment (before any
/// exercise code runs) and registers an observer. When XCTest reports the test finished
/// without failures or skips, the observer prints `RNNKIT-PROOF <token> <test name>`. A test
/// cut short by `exit(0)`, a crash or a hang prints no proof, and a line forged by exercise
/// code cannot carry a token it never saw, so the grader counts neither as passed.
enum ProofOfCompletion {
  static let environmentKey = "RNNKIT_PROOF_TOKEN"
  private static let lock = NSLock()
  nonisolated(unsafe) private static var installed = false

  /// Takes the token from the environment and starts watching, once per process.
  static func installIfRequested() {
    lock.lock()
    defer { lock.unlock() }
    guard !installed else { return }
    installed = true
    guard let token = ProcessInfo.processInfo.environment[environmentKey], !token.isEmpty else {
      return
    }
    unsetenv(environmentKey)
    XCTestObservationCenter.shared.addTestObserver(ProofObserver(token: token))
  }
}

private final class ProofObserver: NSObject, XCTestObservation {
  private let token: String

  init(token: String) { self.token = token }

  func testCaseDidFinish(_ testCase: XCTestCase) {
    guard let run = testCase.testRun, run.hasSucceeded, !run.hasBeenSkipped,
      run.totalFailureCount == 0
    else { return }
    // Written straight to the file descriptor so buffering cannot lose it.
    FileHandle.standardOutput.write(Data("\nRNNKIT-PROOF \(token) \(testCase.name)\n".utf8))
  }
}
