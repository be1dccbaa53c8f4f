/// A table written as GitHub-flavored Markdown, its columns padded so the text also reads as a
/// table in a terminal.
///
///     var table = MarkdownTable(columns: [.init("model"), .init("perplexity", alignment: .right)])
///     table.append(["KN5", "141.2"])
///     print(table.markdown)
///     // | model | perplexity |
///     // | ----- | ---------: |
///     // | KN5   |      141.2 |
///
/// A `|` inside a cell is escaped as `\|`, and a line break becomes a space, so a cell never
/// breaks the table.
public struct MarkdownTable: Equatable, Sendable {
  /// How a column's cells line up.
  public enum Alignment: Equatable, Sendable {
    case left, right
  }

  /// A column: its header and alignment.
  public struct Column: Equatable, Sendable {
    public var header: String
    public var alignment: Alignment

    public init(_ header: String, alignment: Alignment = .left) {
      self.header = header
      self.alignment = alignment
    }
  }

  /// The columns, in order.
  public var columns: [Column]
  /// The rows, each with one cell per column.
  public private(set) var rows: [[String]] = []

  public init(columns: [Column]) {
    self.columns = columns
  }

  /// Adds a row.
  ///
  /// - Precondition: `cells` has one entry per column.
  public mutating func append(_ cells: [String]) {
    precondition(
      cells.count == columns.count,
      "MarkdownTable: a row of \(cells.count) cells for \(columns.count) columns")
    rows.append(cells)
  }

  /// The table: a header line, the separator line (`---:` marks a right-aligned column), and
  /// one line per row, every line ending in a line break.
  public var markdown: String {
    let header = columns.map { Self.escaped($0.header) }
    let body = rows.map { $0.map(Self.escaped) }
    let widths = columns.indices.map { c in
      max(3, ([header] + body).map { $0[c].count }.max() ?? 0)
    }
    func line(_ cells: [String]) -> String {
      let padded = cells.enumerated().map { c, cell in
        let fill = String(repeating: " ", count: widths[c] - cell.count)
        return columns[c].alignment == .right ? fill + cell : cell + fill
      }
      return "| " + padded.joined(separator: " | ") + " |\n"
    }
    let separator = columns.indices.map { c in
      columns[c].alignment == .right
        ? String(repeating: "-", count: widths[c] - 1) + ":"
        : String(repeating: "-", count: widths[c])
    }
    return line(header) + "| " + separator.joined(separator: " | ") + " |\n"
      + body.map(line).joined()
  }

  private static func escaped(_ cell: String) -> String {
    var out = ""
    for character in cell {
      if character == "|" {
        out += "\\|"
      } else if character.isNewline {
        out += " "
      } else {
        out.append(character)
      }
    }
    return out
  }
}
