import RNNCore

/// A matrix drawn as a grid of colored cells, with a color bar, as SVG.
///
/// Row `i` of the values is drawn as the `i`-th row of cells from the top, column `j` as the
/// `j`-th column from the left, the way a matrix is printed. Colors come from a
/// ``ColorScale``: a sequential scale spans the data's minimum to maximum, a diverging one
/// spans `-m...m` with `m` the largest magnitude, so zero is always the neutral middle color.
/// Non-finite values are drawn as light gray cells and ignored for the range.
///
/// ```swift
/// var map = Heatmap(matrix: attention, title: "Attention weights", colorScale: .sequential)
/// map.rowLabels = ["the", "cat", "sat"]
/// try map.write(to: "attention.svg")
/// ```
///
/// Equal heatmaps give byte-identical SVG.
public struct Heatmap: SVGFigure, Equatable, Sendable {
  /// The values, `rows x cols`, one inner array per row; all rows have the same length.
  public let values: [[Double]]
  /// The heading above the grid; empty for none.
  public var title: String
  /// One label per row, drawn left of the grid; empty for none. When there are too many to
  /// fit, only every `k`-th is drawn.
  public var rowLabels: [String] = []
  /// One label per column, drawn under the grid; empty for none (thinned like row labels).
  public var columnLabels: [String] = []
  /// The caption under the column labels; empty for none.
  public var xLabel: String = ""
  /// The caption beside the row labels; empty for none.
  public var yLabel: String = ""
  /// How values map to colors.
  public var colorScale: ColorScale
  /// The values at the two ends of the color scale; `nil` derives them from the data (see the
  /// type's description). Values outside are drawn in the end colors.
  public var valueRange: ClosedRange<Double>?
  /// Writes each value inside its cell (with `valueDecimals` places) when the cells are large
  /// enough to hold the text.
  public var showsValues = false
  /// Decimal places for ``showsValues``.
  public var valueDecimals = 2
  /// The canvas width in pixels.
  public var width: Double
  /// The canvas height in pixels.
  public var height: Double

  /// Number of rows.
  public var rows: Int { values.count }
  /// Number of columns.
  public var cols: Int { values.first?.count ?? 0 }

  /// Creates a heatmap of `values` (`rows x cols`, rows of equal length).
  public init(
    values: [[Double]], title: String = "", colorScale: ColorScale = .sequential,
    width: Double = 640, height: Double = 400
  ) {
    let cols = values.first?.count ?? 0
    for (index, row) in values.enumerated() {
      shapePrecondition(
        row.count == cols, "Heatmap: row \(index) has \(row.count) values, row 0 has \(cols)")
    }
    self.values = values
    self.title = title
    self.colorScale = colorScale
    self.width = width
    self.height = height
  }

  /// Creates a heatmap of a matrix (`matrix.rows x matrix.cols`).
  public init(
    matrix: Matrix, title: String = "", colorScale: ColorScale = .sequential,
    width: Double = 640, height: Double = 400
  ) {
    self.init(
      values: (0..<matrix.rows).map { matrix.row($0) }, title: title, colorScale: colorScale,
      width: width, height: height)
  }

  /// The values at the low and high ends of the color scale.
  public var resolvedRange: ClosedRange<Double> {
    if let range = valueRange, range.lowerBound.isFinite, range.upperBound.isFinite {
      return range
    }
    let finite = values.joined().filter { $0.isFinite }
    let low = finite.min() ?? 0
    let high = finite.max() ?? 1
    switch colorScale.kind {
    case .diverging:
      let magnitude = Swift.max(Swift.abs(low), Swift.abs(high))
      return magnitude > 0 ? -magnitude...magnitude : -1...1
    case .sequential:
      return low...high
    }
  }

  /// The color of `value`: its position in ``resolvedRange`` on the scale, light gray if it
  /// is not finite.
  public func color(of value: Double) -> SVGColor {
    color(of: value, in: resolvedRange)
  }

  /// ``color(of:)`` with the range worked out once by the caller.
  func color(of value: Double, in range: ClosedRange<Double>) -> SVGColor {
    guard value.isFinite else { return .lightGray }
    let span = range.upperBound - range.lowerBound
    return colorScale.color(at: span > 0 ? (value - range.lowerBound) / span : 0.5)
  }
}
