/// A line chart of named series, drawn as SVG.
///
/// Each series is a list of `(x, y)` points joined in the given order. Points that an axis
/// cannot show (NaN or infinite coordinates, and values `<= 0` on a logarithmic axis) are left
/// out and break the line there, so a series that overflows partway simply stops. Axes get
/// "nice" ticks (see ``AxisLayout``), series get distinct colors from ``SVGColor/palette``, and
/// a legend lists every named series.
///
/// ```swift
/// var chart = LineChart(
///   title: "Training curve", xLabel: "epoch", yLabel: "perplexity", yScale: .logarithmic)
/// chart.addSeries("train", x: [1, 2, 3], y: [80, 40, 25])
/// chart.addSeries("validation", x: [1, 2, 3], y: [90, 55, 41], dashed: true)
/// chart.addHorizontalLine(at: 20, label: "true entropy")
/// try chart.write(to: "curve.svg")
/// ```
///
/// The output depends only on the chart's properties: equal charts give byte-identical SVG.
public struct LineChart: SVGFigure, Equatable, Sendable {
  /// One data point.
  public struct Point: Equatable, Sendable {
    /// The horizontal coordinate, in data units.
    public var x: Double
    /// The vertical coordinate, in data units.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  /// One named line.
  public struct Series: Equatable, Sendable {
    /// The legend text; a series with an empty name is drawn but not listed in the legend.
    public var name: String
    /// The points, joined in this order.
    public var points: [Point]
    /// The line color; `nil` picks the next palette color by the series' position.
    public var color: SVGColor?
    /// Draws the line dashed, to tell apart, say, validation from training curves.
    public var dashed: Bool
    /// The stroke width in pixels.
    public var lineWidth: Double
    /// Also draws a dot at every point (useful for sparse data).
    public var showsMarkers: Bool

    /// Creates a series from points.
    public init(
      _ name: String, points: [Point], color: SVGColor? = nil, dashed: Bool = false,
      lineWidth: Double = 2, showsMarkers: Bool = false
    ) {
      self.name = name
      self.points = points
      self.color = color
      self.dashed = dashed
      self.lineWidth = lineWidth
      self.showsMarkers = showsMarkers
    }

    /// Creates a series from parallel coordinate arrays of equal length.
    public init(
      _ name: String, x: [Double], y: [Double], color: SVGColor? = nil, dashed: Bool = false,
      lineWidth: Double = 2, showsMarkers: Bool = false
    ) {
      precondition(
        x.count == y.count,
        "LineChart.Series \"\(name)\": \(x.count) x values but \(y.count) y values")
      self.init(
        name, points: zip(x, y).map { Point(x: $0, y: $1) }, color: color, dashed: dashed,
        lineWidth: lineWidth, showsMarkers: showsMarkers)
    }
  }

  /// A straight line across the whole plot at a fixed value, with an optional label, such as
  /// the true entropy of a corpus or the step size a test uses.
  public struct ReferenceLine: Equatable, Sendable {
    /// Which way the line runs.
    public enum Orientation: Equatable, Sendable {
      /// Across the plot at a fixed y.
      case horizontal
      /// Up the plot at a fixed x.
      case vertical
    }

    /// Which way the line runs.
    public var orientation: Orientation
    /// The fixed y (horizontal line) or x (vertical line), in data units.
    public var value: Double
    /// Text drawn next to the line; empty for none.
    public var label: String
    /// The line and label color.
    public var color: SVGColor
    /// Draws the line dashed.
    public var dashed: Bool

    /// Creates a reference line.
    public init(
      _ orientation: Orientation, at value: Double, label: String = "",
      color: SVGColor = .gray, dashed: Bool = true
    ) {
      self.orientation = orientation
      self.value = value
      self.label = label
      self.color = color
      self.dashed = dashed
    }
  }

  /// A note written at a data position, such as "rounding error" next to the part of a curve
  /// it explains.
  public struct Annotation: Equatable, Sendable {
    /// How the text sits relative to its position.
    public enum Alignment: Equatable, Sendable {
      /// The text starts at the position.
      case leading
      /// The text is centered on the position.
      case center
      /// The text ends at the position.
      case trailing
    }

    /// The note.
    public var text: String
    /// Where the text's baseline starts, centers or ends, in data units. An annotation the
    /// axes cannot place (say at `x <= 0` on a log axis) is not drawn.
    public var position: Point
    /// How the text sits relative to `position`.
    public var alignment: Alignment
    /// The text color.
    public var color: SVGColor

    /// Creates an annotation.
    public init(
      _ text: String, at position: Point, alignment: Alignment = .leading,
      color: SVGColor = .darkGray
    ) {
      self.text = text
      self.position = position
      self.alignment = alignment
      self.color = color
    }
  }

  /// Where the legend goes.
  public enum LegendPosition: Equatable, Sendable {
    /// The inside corner that covers the fewest data points (ties go in the order top right,
    /// top left, bottom right, bottom left).
    case automatic
    /// Inside the plot, top left.
    case topLeft
    /// Inside the plot, top right.
    case topRight
    /// Inside the plot, bottom left.
    case bottomLeft
    /// Inside the plot, bottom right.
    case bottomRight
    /// No legend.
    case hidden
  }

  /// The heading above the plot; empty for none.
  public var title: String
  /// The caption under the x axis; empty for none.
  public var xLabel: String
  /// The caption beside the y axis; empty for none.
  public var yLabel: String
  /// Linear or logarithmic x axis.
  public var xScale: AxisScale
  /// Linear or logarithmic y axis.
  public var yScale: AxisScale
  /// A fixed x range; `nil` covers the data (and vertical reference lines), rounded outward to
  /// nice values. Lines are clipped at the plot edge.
  public var xRange: ClosedRange<Double>?
  /// A fixed y range; `nil` covers the data (and horizontal reference lines).
  public var yRange: ClosedRange<Double>?
  /// The canvas width in pixels.
  public var width: Double
  /// The canvas height in pixels.
  public var height: Double
  /// The lines, drawn in order (later ones on top).
  public var series: [Series] = []
  /// Horizontal and vertical reference lines, drawn under the data.
  public var referenceLines: [ReferenceLine] = []
  /// Notes at data positions, drawn on top of the data. They do not widen the axes.
  public var annotations: [Annotation] = []
  /// Where the legend goes.
  public var legendPosition: LegendPosition = .automatic
  /// Draws light grid lines at the labeled ticks.
  public var showsGrid = true

  /// Creates an empty chart; add data with ``addSeries(_:x:y:color:dashed:)``.
  ///
  /// - Parameters:
  ///   - title: the heading; empty for none.
  ///   - xLabel: the x-axis caption, ideally with units.
  ///   - yLabel: the y-axis caption.
  ///   - xScale: linear (default) or logarithmic.
  ///   - yScale: linear (default) or logarithmic.
  ///   - width: canvas width in pixels (default 640).
  ///   - height: canvas height in pixels (default 400).
  public init(
    title: String = "", xLabel: String = "", yLabel: String = "", xScale: AxisScale = .linear,
    yScale: AxisScale = .linear, width: Double = 640, height: Double = 400
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.xScale = xScale
    self.yScale = yScale
    self.width = width
    self.height = height
  }

  /// Adds a series given as parallel arrays (`x.count == y.count`).
  public mutating func addSeries(
    _ name: String, x: [Double], y: [Double], color: SVGColor? = nil, dashed: Bool = false
  ) {
    series.append(Series(name, x: x, y: y, color: color, dashed: dashed))
  }

  /// Adds a series given as points.
  public mutating func addSeries(
    _ name: String, points: [Point], color: SVGColor? = nil, dashed: Bool = false
  ) {
    series.append(Series(name, points: points, color: color, dashed: dashed))
  }

  /// Adds a fully configured series.
  public mutating func addSeries(_ series: Series) {
    self.series.append(series)
  }

  /// Adds a horizontal reference line at `y`, labeled at its right end.
  public mutating func addHorizontalLine(
    at y: Double, label: String = "", color: SVGColor = .gray, dashed: Bool = true
  ) {
    referenceLines.append(
      ReferenceLine(.horizontal, at: y, label: label, color: color, dashed: dashed))
  }

  /// Adds a vertical reference line at `x`, labeled at its top.
  public mutating func addVerticalLine(
    at x: Double, label: String = "", color: SVGColor = .gray, dashed: Bool = true
  ) {
    referenceLines.append(
      ReferenceLine(.vertical, at: x, label: label, color: color, dashed: dashed))
  }

  /// Adds a note at `(x, y)` in data units.
  public mutating func addAnnotation(
    _ text: String, x: Double, y: Double, alignment: Annotation.Alignment = .leading,
    color: SVGColor = .darkGray
  ) {
    annotations.append(
      Annotation(text, at: Point(x: x, y: y), alignment: alignment, color: color))
  }

  /// The color series number `index` is drawn in.
  func color(ofSeries index: Int) -> SVGColor {
    series[index].color ?? SVGColor.palette(index)
  }
}
