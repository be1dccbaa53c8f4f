import RNNCommandLine
import XCTest

/// Markdown tables: padded columns, right alignment, the separator line, and cells that
/// cannot break the table.
final class MarkdownTableTests: XCTestCase {
  func testColumnsArePaddedAndAligned() {
    var table = MarkdownTable(columns: [
      .init("model"), .init("test perplexity", alignment: .right), .init("λ", alignment: .right),
    ])
    table.append(["KN5", "141.2", "—"])
    table.append(["feed-forward (4 words)", "98.7", "0.512"])
    XCTAssertEqual(
      table.markdown,
      """
      | model                  | test perplexity |     λ |
      | ---------------------- | --------------: | ----: |
      | KN5                    |           141.2 |     — |
      | feed-forward (4 words) |            98.7 | 0.512 |

      """)
  }

  func testNarrowColumnsKeepThreeDashes() {
    var table = MarkdownTable(columns: [.init("a"), .init("b", alignment: .right)])
    table.append(["x", "1"])
    XCTAssertEqual(table.markdown, "| a   |   b |\n| --- | --: |\n| x   |   1 |\n")
  }

  func testPipesAndLineBreaksInCellsAreDefused() {
    var table = MarkdownTable(columns: [.init("cell")])
    table.append(["a | b\nc"])
    XCTAssertEqual(table.markdown, "| cell     |\n| -------- |\n| a \\| b c |\n")
  }

  func testAnEmptyTableIsItsHeader() {
    let table = MarkdownTable(columns: [.init("model"), .init("ppl", alignment: .right)])
    XCTAssertEqual(table.rows, [])
    XCTAssertEqual(table.markdown, "| model | ppl |\n| ----- | --: |\n")
  }
}
