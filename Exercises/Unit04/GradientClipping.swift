import RNNCore

/// Gradient clipping: limits the size of a gradient before the optimizer uses it, so one
/// exploding gradient cannot throw the parameters far away.
///
/// Both functions change the gradients **in place** (the optimizer must see the clipped
/// values) and return the global norm the gradients had *before* clipping,
/// `‖g‖ = sqrt(Σ_blocks Σ_elements g²)`, so a trainer can log how large the raw gradient was.
public enum GradientClipping {
  /// Global-norm clipping (Mikolov; Pascanu, Mikolov and Bengio 2013): if `‖g‖ > threshold`,
  /// rescale *every* block by the same factor `threshold / ‖g‖`, so the clipped gradient has
  /// norm exactly `threshold` and the same direction; otherwise leave it unchanged.
  ///
  /// The norm is taken over all blocks together (not block by block), which is what keeps the
  /// direction of the whole update.
  ///
  /// - Parameters:
  ///   - gradients: the gradients of every parameter block (any ``Parameterized`` value),
  ///     changed in place.
  ///   - threshold: the largest norm allowed, `> 0`.
  /// - Returns: `‖g‖` before clipping.
  @discardableResult
  public static func clipByGlobalNorm<P: Parameterized>(
    _ gradients: inout P, threshold: Double
  ) -> Double {
    shapePrecondition(
      threshold > 0, "GradientClipping.clipByGlobalNorm: threshold \(threshold) must be > 0")
    // Exercise 04.1: GradientClipping.clipByGlobalNorm.
    // Read Lectures/04-gradient-clipping.md §2, then replace this stub with your code.
    notImplemented(
      "04.1", "GradientClipping.clipByGlobalNorm", lecture: "Lectures/04-gradient-clipping.md §2")
  }

  /// Element-wise (value) clipping: every element is limited to `[-threshold, threshold]`.
  /// Elements already in that range are left exactly as they are. Unlike norm clipping this
  /// can change the gradient's direction.
  ///
  /// - Parameters:
  ///   - gradients: changed in place.
  ///   - threshold: the largest absolute value allowed, `> 0`.
  /// - Returns: `‖g‖` before clipping.
  @discardableResult
  public static func clipByValue<P: Parameterized>(
    _ gradients: inout P, threshold: Double
  ) -> Double {
    shapePrecondition(
      threshold > 0, "GradientClipping.clipByValue: threshold \(threshold) must be > 0")
    // Exercise 04.2: GradientClipping.clipByValue.
    // Read Lectures/04-gradient-clipping.md §3, then replace this stub with your code.
    notImplemented(
      "04.2", "GradientClipping.clipByValue", lecture: "Lectures/04-gradient-clipping.md §3")
  }
}

/// A clipping rule chosen at run time (for example from the command line); provided.
public enum ClippingRule: Equatable, Sendable, CustomStringConvertible {
  /// ``GradientClipping/clipByGlobalNorm(_:threshold:)``.
  case globalNorm(Double)
  /// ``GradientClipping/clipByValue(_:threshold:)``.
  case value(Double)

  /// Applies the rule in place and returns the norm before clipping.
  public func apply<P: Parameterized>(_ gradients: inout P) -> Double {
    switch self {
    case .globalNorm(let threshold):
      return GradientClipping.clipByGlobalNorm(&gradients, threshold: threshold)
    case .value(let threshold):
      return GradientClipping.clipByValue(&gradients, threshold: threshold)
    }
  }

  public var description: String {
    switch self {
    case .globalNorm(let threshold): return "global norm ≤ \(formatNumber(threshold))"
    case .value(let threshold): return "each element in ±\(formatNumber(threshold))"
    }
  }
}
