/// A map from a position `t` in `0...1` to a color, for heatmaps and their color bars.
///
/// The scale is piecewise linear between evenly spaced `stops`. A *sequential* scale suits
/// values with a natural order from low to high (probabilities, counts); a *diverging* scale
/// has a neutral middle and suits signed values (weights, gradients), which ``Heatmap`` then
/// centers on zero.
public struct ColorScale: Equatable, Sendable {
  /// Whether the scale has a meaningful middle.
  public enum Kind: Equatable, Sendable {
    /// Low to high, no special middle.
    case sequential
    /// Two hues on either side of a neutral middle.
    case diverging
  }

  /// Sequential or diverging.
  public let kind: Kind
  /// The colors at `t = 0, 1/(n-1), ..., 1`; at least two.
  public let stops: [SVGColor]

  /// Creates a scale through `stops` (at least two), evenly spaced over `0...1`.
  public init(kind: Kind, stops: [SVGColor]) {
    precondition(stops.count >= 2, "ColorScale: need at least 2 stops, got \(stops.count)")
    self.kind = kind
    self.stops = stops
  }

  /// The color at `t`; `t` is clamped to `0...1`, and NaN gives the middle.
  public func color(at t: Double) -> SVGColor {
    let clamped = t.isNaN ? 0.5 : Swift.min(1, Swift.max(0, t))
    let position = clamped * Double(stops.count - 1)
    let lower = Swift.min(Int(position), stops.count - 2)
    return stops[lower].mixed(with: stops[lower + 1], fraction: position - Double(lower))
  }

  /// Viridis (dark purple to yellow): perceptually uniform and readable in grayscale.
  public static let viridis = ColorScale(
    kind: .sequential,
    stops: [
      0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6ECE58, 0xB5DE2B,
      0xFDE725,
    ].map { SVGColor(hex: $0) })

  /// Blue for negative, near-white for zero, red for positive (ColorBrewer's RdBu, reversed).
  public static let blueWhiteRed = ColorScale(
    kind: .diverging,
    stops: [
      0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B,
    ].map { SVGColor(hex: $0) })

  /// The default sequential scale, ``viridis``.
  public static let sequential = viridis
  /// The default diverging scale, ``blueWhiteRed``.
  public static let diverging = blueWhiteRed
}
