/// Numerical gradient checking with centered differences.
///
/// For a scalar loss `L` and one parameter element `θ`, the centered difference
/// `(L(θ + h) - L(θ - h)) / 2h` approximates `∂L/∂θ` with error `O(h²)`; in Double, with
/// `h ≈ 1e-5`, truncation and rounding error are both around `1e-10`, so a correct analytic
/// gradient agrees to a relative error of about `1e-7` or better, while a wrong one is off by
/// far more. The relative error of an analytic value `a` against a numeric value `n` is
/// `|a - n| / max(|a|, |n|, 1e-8)`.
///
/// Rounding sets a floor under that: the two losses are each off by a few ulps of `|L|` (more
/// when the loss sums many terms), and dividing their difference by `2h` turns that into an
/// absolute error of about `|L| ε / h` in the numeric gradient, around `1e-10` for a loss near 10.
/// For a gradient element of `1e-6`, that alone is a relative error of `1e-4`, however right the
/// analytic value is. So the checker forgives each element a *noise floor*
/// `κ ε (|L(θ+h)| + |L(θ-h)|) / 2h` with `κ =` ``roundingAllowance``, and measures
/// `max(0, |a - n| - floor) / max(|a|, |n|, 1e-8)`. A wrong gradient is off by far more than
/// that floor unless its error sits only in elements too small to matter.
public enum GradientCheck {
  /// The default finite-difference step.
  public static let defaultStep = 1e-5

  /// `κ` of the noise floor: how many ulps of the loss the centered difference may be off by.
  public static let roundingAllowance = 64.0

  /// The noise floor of a centered difference whose two losses are `plus` and `minus`.
  public static func noiseFloor(plus: Double, minus: Double, step h: Double) -> Double {
    let floor = roundingAllowance * Double.ulpOfOne * (abs(plus) + abs(minus)) / (2 * h)
    return floor.isFinite ? floor : 0
  }

  /// `max(0, |a - n| - floor) / max(|a|, |n|, 1e-8)`: the relative error beyond rounding.
  public static func relativeError(_ analytic: Double, _ numeric: Double, floor: Double) -> Double {
    let scale = Swift.max(abs(analytic), abs(numeric), 1e-8)
    let difference = abs(analytic - numeric)
    if difference == 0 { return 0 }
    if !difference.isFinite || !scale.isFinite { return .infinity }
    return Swift.max(0, difference - floor) / scale
  }

  /// `|a - n| / max(|a|, |n|, 1e-8)`.
  public static func relativeError(_ analytic: Double, _ numeric: Double) -> Double {
    let scale = Swift.max(abs(analytic), abs(numeric), 1e-8)
    let difference = abs(analytic - numeric)
    if difference == 0 { return 0 }
    // A NaN or an infinity on either side is as wrong as it gets (and inf/inf would be NaN).
    if !difference.isFinite || !scale.isFinite { return .infinity }
    return difference / scale
  }

  /// Compares `analytic` against centered differences of `loss` for every block of
  /// `parameters` (matched by name).
  ///
  /// Blocks with at most `maxElementsPerBlock` elements are checked in full; larger ones at a
  /// sample of that many positions drawn with `seed`.
  ///
  /// - Complexity: two evaluations of `loss` per checked element.
  public static func check<P: Parameterized>(
    parameters: P, analytic: P, step h: Double = defaultStep,
    maxElementsPerBlock: Int = 100, seed: UInt64 = 1,
    loss: (P) -> Double
  ) -> GradientCheckResult {
    let analyticBlocks = Dictionary(analytic.namedParameters.map { ($0.name, $0.value) }) { a, _ in
      a
    }
    var rng = RandomSource(seed: seed)
    var results: [GradientCheckResult.Block] = []
    for (name, value) in parameters.namedParameters {
      guard let a = analyticBlocks[name] else {
        preconditionFailed("GradientCheck: no analytic gradient for block \"\(name)\"")
      }
      shapePrecondition(
        a.rows == value.rows && a.cols == value.cols,
        "GradientCheck: analytic gradient of \"\(name)\" is \(a.shapeDescription), "
          + "the parameter is \(value.shapeDescription)")
      let indices = sampleIndices(count: value.count, limit: maxElementsPerBlock, rng: &rng)
      var block = GradientCheckResult.Block(name: name, rows: value.rows, cols: value.cols)
      for k in indices {
        var plus = parameters
        plus.visitParameters { n, m in if n == name { m.storage[k] += h } }
        var minus = parameters
        minus.visitParameters { n, m in if n == name { m.storage[k] -= h } }
        let (up, down) = (loss(plus), loss(minus))
        let numeric = (up - down) / (2 * h)
        block.record(
          index: k, analytic: a.storage[k], numeric: numeric,
          floor: noiseFloor(plus: up, minus: down, step: h))
      }
      results.append(block)
    }
    return GradientCheckResult(blocks: results)
  }

  /// Compares `analytic` against centered differences of `loss` at the matrix `input`
  /// (an input batch or an initial state), reported under `name`.
  public static func check(
    input: Matrix, named name: String, analytic: Matrix, step h: Double = defaultStep,
    maxElements: Int = 100, seed: UInt64 = 1, loss: (Matrix) -> Double
  ) -> GradientCheckResult {
    check(
      parameters: ParameterStore([(name, input)]), analytic: ParameterStore([(name, analytic)]),
      step: h, maxElementsPerBlock: maxElements, seed: seed
    ) { store in loss(store[name]) }
  }

  /// The full centered-difference gradient of `loss` at `x` (for small matrices and figures).
  public static func numericalGradient(
    at x: Matrix, step h: Double = defaultStep, loss: (Matrix) -> Double
  ) -> Matrix {
    var g = Matrix.zeros(like: x)
    for k in 0..<x.count {
      var plus = x
      plus.storage[k] += h
      var minus = x
      minus.storage[k] -= h
      g.storage[k] = (loss(plus) - loss(minus)) / (2 * h)
    }
    return g
  }

  private static func sampleIndices(count: Int, limit: Int, rng: inout RandomSource) -> [Int] {
    if count <= limit { return Array(0..<count) }
    return Array(rng.permutation(count).prefix(limit)).sorted()
  }
}

/// What a gradient check found, block by block.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
  /// The check of one parameter block.
  public struct Block: Sendable {
    public let name: String
    public let rows: Int
    public let cols: Int
    /// How many elements were compared.
    public private(set) var checked = 0
    /// The flat index of the worst element.
    public private(set) var worstIndex = 0
    public private(set) var worstAnalytic = 0.0
    public private(set) var worstNumeric = 0.0
    /// The largest relative error in the block.
    public private(set) var maxRelativeError = 0.0
    /// Every compared element: its flat index, the analytic and the numeric value.
    public private(set) var indices: [Int] = []
    public private(set) var analyticValues: [Double] = []
    public private(set) var numericValues: [Double] = []
    /// The noise floor of each compared element (see ``GradientCheck``).
    public private(set) var floors: [Double] = []

    init(name: String, rows: Int, cols: Int) {
      self.name = name
      self.rows = rows
      self.cols = cols
    }

    mutating func record(index: Int, analytic: Double, numeric: Double, floor: Double = 0) {
      let error = GradientCheck.relativeError(analytic, numeric, floor: floor)
      if checked == 0 || error > maxRelativeError || error.isNaN {
        maxRelativeError = error.isNaN ? .infinity : error
        worstIndex = index
        worstAnalytic = analytic
        worstNumeric = numeric
      }
      checked += 1
      indices.append(index)
      analyticValues.append(analytic)
      numericValues.append(numeric)
      floors.append(floor)
    }

    /// The worst element as `(row, col)`.
    public var worstPosition: (row: Int, col: Int) {
      cols == 0 ? (0, 0) : (worstIndex / cols, worstIndex % cols)
    }

    public var summary: String {
      "\(name) [\(rows)x\(cols)]: max relative error \(formatNumber(maxRelativeError)) at "
        + "(\(worstPosition.row), \(worstPosition.col)): analytic \(formatNumber(worstAnalytic)), "
        + "numeric \(formatNumber(worstNumeric)) (\(checked) elements checked)"
    }
  }

  public let blocks: [Block]

  /// The largest relative error over all blocks.
  public var maxRelativeError: Double { blocks.map(\.maxRelativeError).max() ?? 0 }

  /// The block with the largest error.
  public var worstBlock: Block? { blocks.max { $0.maxRelativeError < $1.maxRelativeError } }

  /// Blocks whose error exceeds `tolerance`.
  public func failures(tolerance: Double) -> [Block] {
    blocks.filter { !($0.maxRelativeError <= tolerance) }
  }

  public var description: String { blocks.map(\.summary).joined(separator: "\n") }
}
