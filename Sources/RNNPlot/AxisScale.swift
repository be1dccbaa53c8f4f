import Foundation

/// How data values are spaced along a chart axis.
public enum AxisScale: Equatable, Sendable {
  /// Equal steps in value are equal distances.
  case linear
  /// Equal ratios are equal distances (base 10); only positive values can be drawn.
  case logarithmic

  /// Whether `value` can be placed on this axis: finite, and positive for a log axis.
  public func accepts(_ value: Double) -> Bool {
    switch self {
    case .linear: return value.isFinite
    case .logarithmic: return value.isFinite && value > 0
    }
  }

  /// The value in the axis's own linear coordinate: itself, or its base-10 logarithm.
  func transformed(_ value: Double) -> Double {
    switch self {
    case .linear: return value
    case .logarithmic: return log10(value)
    }
  }
}
