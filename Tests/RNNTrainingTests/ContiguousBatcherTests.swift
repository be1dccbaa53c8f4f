import RNNTraining
import XCTest

final class ContiguousBatcherTests: XCTestCase {
  func testRowsAreContiguousAndChunksContinueEachOther() {
    // 17 tokens, batch 2, 3 steps: rows [0...8] and [8...16]; 2 chunks per epoch.
    let batcher = ContiguousBatcher(tokens: Array(0..<17), batchSize: 2, steps: 3)
    XCTAssertEqual(batcher.chunksPerEpoch, 2)
    let first = batcher.chunk(0)
    XCTAssertEqual(first.inputs, [[0, 1, 2], [8, 9, 10]])
    XCTAssertEqual(first.targets, [[1, 2, 3], [9, 10, 11]])
    XCTAssertTrue(first.startsStreams)
    let second = batcher.chunk(1)
    XCTAssertEqual(second.inputs, [[3, 4, 5], [11, 12, 13]])
    XCTAssertEqual(second.targets, [[4, 5, 6], [12, 13, 14]])
    XCTAssertFalse(second.startsStreams)
    XCTAssertEqual(batcher.chunk(2), first, "a new epoch starts over")
  }

  func testEvaluationChunksPredictEveryTokenButTheFirstOnce() {
    let chunks = ContiguousBatcher.evaluationChunks(Array(0..<8), steps: 3)
    XCTAssertEqual(chunks.map(\.inputs), [[[0, 1, 2]], [[3, 4, 5]], [[6]]])
    XCTAssertEqual(chunks.flatMap { $0.targets[0] }, Array(1..<8))
    XCTAssertEqual(chunks.map(\.startsStreams), [true, false, false])
    XCTAssertTrue(ContiguousBatcher.evaluationChunks([4], steps: 3).isEmpty)
  }
}
