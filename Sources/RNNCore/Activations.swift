import Foundation

/// Scalar activations and their derivatives. Each derivative is written in terms of what the
/// forward pass already computed where that is cheaper (for example `tanh'` from `tanh(x)`),
/// and says so in its name.
public enum Activation {
  /// The hyperbolic tangent; finite for every finite input.
  @inline(__always)
  public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }

  /// `tanh'(x) = 1 - tanh(x)²`, given `y = tanh(x)`.
  @inline(__always)
  public static func tanhDerivative(fromOutput y: Double) -> Double { 1 - y * y }

  /// The logistic sigmoid `1 / (1 + e^-x)`, computed so that neither branch overflows:
  /// for `x < 0` it uses `e^x / (1 + e^x)`.
  @inline(__always)
  public static func sigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
  }

  /// `σ'(x) = σ(x)(1 - σ(x))`, given `y = σ(x)`.
  @inline(__always)
  public static func sigmoidDerivative(fromOutput y: Double) -> Double { y * (1 - y) }

  /// The rectified linear unit `max(0, x)`.
  @inline(__always)
  public static func relu(_ x: Double) -> Double { x > 0 ? x : 0 }

  /// `relu'(x)`: 1 for `x > 0`, else 0 (the kit's choice at the kink `x = 0`).
  @inline(__always)
  public static func reluDerivative(_ x: Double) -> Double { x > 0 ? 1 : 0 }
}

extension Matrix {
  /// Elementwise `tanh`.
  public func tanh() -> Matrix { map(Activation.tanh) }
  /// Elementwise logistic sigmoid (stable for large `|x|`).
  public func sigmoid() -> Matrix { map(Activation.sigmoid) }
  /// Elementwise `max(0, x)`.
  public func relu() -> Matrix { map(Activation.relu) }
}
