import Dispatch

/// Matrix products, with either operand optionally transposed.
extension Matrix {
  /// The product `op(self) * op(other)`, where `op` transposes when asked.
  ///
  /// - `a.matmul(b)`: `(m x k) * (k x n) -> m x n`
  /// - `a.matmul(b, transposeOther: true)`: `(m x k) * (n x k)ᵀ -> m x n` (the usual `x Wᵀ`)
  /// - `a.matmul(b, transposeSelf: true)`: `(k x m)ᵀ * (k x n) -> m x n` (a weight gradient)
  ///
  /// A transposed operand is read in place (no transposed copy is made). The summation order
  /// depends on the shapes, so results can differ from a textbook triple loop in the last bits.
  ///
  /// Complexity: O(m n k).
  public func matmul(
    _ other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false
  )
    -> Matrix
  {
    let m = transposeSelf ? cols : rows
    let k = transposeSelf ? rows : cols
    let k2 = transposeOther ? other.cols : other.rows
    let n = transposeOther ? other.rows : other.cols
    shapePrecondition(
      k == k2,
      "Matrix.matmul: inner dimensions differ: "
        + "\(transposeSelf ? "(\(shapeDescription))ᵀ" : shapeDescription)"
        + " times \(transposeOther ? "(\(other.shapeDescription))ᵀ" : other.shapeDescription)")
    var out = [Double](repeating: 0, count: m * n)
    // A transpose is the same storage walked with the two strides swapped.
    let aRowStride = transposeSelf ? 1 : cols
    let aColStride = transposeSelf ? cols : 1
    let bRowStride = transposeOther ? 1 : other.cols
    let bColStride = transposeOther ? other.cols : 1
    storage.withUnsafeBufferPointer { pa in
      other.storage.withUnsafeBufferPointer { pb in
        out.withUnsafeMutableBufferPointer { pc in
          guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress else {
            return  // an empty operand or result: the zeros are already the answer
          }
          gemm(
            m: m, n: n, k: k,
            a: GemmOperand(base: a, rowStride: aRowStride, colStride: aColStride),
            b: GemmOperand(base: b, rowStride: bRowStride, colStride: bColStride),
            c: c, ldc: n)
        }
      }
    }
    return Matrix(rows: m, cols: n, values: out)
  }
}

/// `C += A * B` for row-major `A (m x k)`, `B (k x n)`, `C (m x n)`.
///
/// Kept for callers inside the module that already hold raw row-major buffers.
func gemmKernel(
  m: Int, n: Int, k: Int,
  a: UnsafePointer<Double>?, b: UnsafePointer<Double>?, c: UnsafeMutablePointer<Double>?
) {
  guard let a, let b, let c, m > 0, n > 0, k > 0 else { return }
  gemm(
    m: m, n: n, k: k,
    a: GemmOperand(base: a, rowStride: k, colStride: 1),
    b: GemmOperand(base: b, rowStride: n, colStride: 1),
    c: c, ldc: n)
}

/// A read-only view of a matrix operand: element `(r, c)` is `base[r * rowStride + c *
/// colStride]`. Row-major storage has `colStride == 1`; its transpose has `rowStride == 1`.
struct GemmOperand {
  let base: UnsafePointer<Double>
  let rowStride: Int
  let colStride: Int

  @inline(__always)
  subscript(row: Int, col: Int) -> Double { base[row * rowStride + col * colStride] }
}

/// Block sizes of the packed product.
///
/// A naive loop reloads `B` from memory for every row of `A`, so it runs at memory speed. The
/// packed product instead keeps each piece of work inside one cache level:
///
/// - a `kc x nc` block of `B` is copied ("packed") into `nr`-wide column strips, each read
///   front to back; the whole block sits in the last-level cache and one strip (`kc x nr`,
///   16 KB) in L1;
/// - an `mc x kc` block of `A` is packed into `mr`-tall row strips that stay in L2 (192 KB)
///   while every strip of `B` passes over them;
/// - the micro-kernel multiplies one `A` strip by one `B` strip, keeping the whole `mr x nr`
///   tile of `C` in registers for all `kc` steps, so each loaded value feeds several
///   multiply-adds.
///
/// Packing also pads edge strips with zeros (the kernel always does full tiles) and is the only
/// code that sees the operands' layout, so transposed operands cost nothing extra.
///
/// A `6 x 8` tile is six `SIMD8<Double>` accumulators: twelve of the sixteen AVX2 registers,
/// six of AVX-512's thirty-two, twenty-four of arm64's thirty-two 2-wide ones, leaving room for
/// the loaded strip of `B` everywhere; an `8 x 8` tile measured no faster with AVX-512 and
/// would not fit AVX2. The block sizes are multiples of the tile sizes.
enum GemmBlocking {
  static let mr = 6
  static let nr = 8
  static let kc = 256
  static let mc = 96
  static let nc = 2048
}

/// `C += op(A) * op(B)` with `C` row-major with row stride `ldc`; requires `m, n, k >= 0`.
///
/// Small problems skip packing (it would cost as much as the product itself) when their layout
/// allows a fast unpacked loop; everything else goes through ``gemmPacked``.
func gemm(
  m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand, c: UnsafeMutablePointer<Double>,
  ldc: Int
) {
  guard m > 0, n > 0, k > 0 else { return }
  // The path depends on the whole product's shape only, never on a thread's share of it.
  // Which products count as thin is fixed (not tied to the tile sizes), so that changing
  // the micro-kernel never moves a product to a path with another summation order.
  let thin = m < 4 || n < 4 || k < 4
  if thin && a.colStride == 1 && b.rowStride == 1 && k >= 16 {
    gemmDots(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc)
  } else if thin && b.colStride == 1 && n >= 4 {
    gemmRowUpdates(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc)
  } else if MatrixThreads.count > 1 && m * n * k >= MatrixThreads.minimumWork {
    gemmSplit(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, parts: MatrixThreads.count)
  } else {
    gemmPacked(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc)
  }
}

/// How many threads a large matrix product may use (see ``MatrixThreads/count``).
public enum MatrixThreads {
  /// Threads for one large product: 1 (the default) computes every product on the calling
  /// thread; 2 or more splits a product of at least ``minimumWork`` multiply-adds into that
  /// many pieces of the result, computed at the same time.
  ///
  /// Each element of the result is still computed by one thread, with the same operations in
  /// the same order, so results do not depend on this setting: it changes the speed only.
  /// Set it once, before the work starts (a command-line option does); it is read, not
  /// synchronized, by every product.
  nonisolated(unsafe) public static var count = 1

  /// The smallest product (`m n k`) worth splitting: below it, starting the threads costs
  /// more than they save.
  public static let minimumWork = 1 << 22
}

/// Splits `C` into `parts` blocks of whole micro-tiles (columns when `C` is wide enough,
/// otherwise rows) and computes them concurrently with ``gemmPacked``. In the packed product
/// an element's sum runs over `k` in the same order whatever tile or block holds it, so each
/// element sees the same arithmetic as without splitting.
private func gemmSplit(
  m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand, c: UnsafeMutablePointer<Double>,
  ldc: Int, parts: Int
) {
  // The pointers are only read by the workers, and each worker writes its own block of C.
  struct Shared: @unchecked Sendable {
    let a: GemmOperand
    let b: GemmOperand
    let c: UnsafeMutablePointer<Double>
  }
  let shared = Shared(a: a, b: b, c: c)
  let byColumns = n >= m || n >= parts * 4 * GemmBlocking.nr
  let extent = byColumns ? n : m
  let unit = byColumns ? GemmBlocking.nr : GemmBlocking.mr
  let units = (extent + unit - 1) / unit
  let pieces = min(parts, units)
  if pieces < 2 {
    gemmPacked(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc)
    return
  }
  DispatchQueue.concurrentPerform(iterations: pieces) { piece in
    let start = units * piece / pieces * unit
    let end = min(extent, units * (piece + 1) / pieces * unit)
    guard start < end else { return }
    if byColumns {
      let b = shared.b
      gemmPacked(
        m: m, n: end - start, k: k, a: shared.a,
        b: GemmOperand(
          base: b.base + start * b.colStride, rowStride: b.rowStride, colStride: b.colStride),
        c: shared.c + start, ldc: ldc)
    } else {
      let a = shared.a
      gemmPacked(
        m: end - start, n: n, k: k,
        a: GemmOperand(
          base: a.base + start * a.rowStride, rowStride: a.rowStride, colStride: a.colStride),
        b: shared.b, c: shared.c + start * ldc, ldc: ldc)
    }
  }
}

/// The cache-blocked product; see ``GemmBlocking`` for the plan.
func gemmPacked(
  m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand, c: UnsafeMutablePointer<Double>,
  ldc: Int
) {
  let mr = GemmBlocking.mr
  let nr = GemmBlocking.nr
  let kcMax = min(GemmBlocking.kc, k)
  let mcMax = min(GemmBlocking.mc, roundUp(m, to: mr))
  let ncMax = min(GemmBlocking.nc, roundUp(n, to: nr))
  let packedA = UnsafeMutablePointer<Double>.allocate(capacity: mcMax * kcMax)
  let packedB = UnsafeMutablePointer<Double>.allocate(capacity: ncMax * kcMax)
  let edgeTile = UnsafeMutablePointer<Double>.allocate(capacity: mr * nr)
  defer {
    packedA.deallocate()
    packedB.deallocate()
    edgeTile.deallocate()
  }
  for jc in stride(from: 0, to: n, by: GemmBlocking.nc) {
    let ncCur = min(GemmBlocking.nc, n - jc)
    for pc in stride(from: 0, to: k, by: GemmBlocking.kc) {
      let kcCur = min(GemmBlocking.kc, k - pc)
      packB(b, row: pc, col: jc, depth: kcCur, width: ncCur, into: packedB)
      for ic in stride(from: 0, to: m, by: GemmBlocking.mc) {
        let mcCur = min(GemmBlocking.mc, m - ic)
        packA(a, row: ic, col: pc, height: mcCur, depth: kcCur, into: packedA)
        // Strip of B outermost: it stays in L1 while the strips of A stream from L2.
        for jr in stride(from: 0, to: ncCur, by: nr) {
          let w = min(nr, ncCur - jr)
          let bStrip = UnsafePointer(packedB + jr * kcCur)
          for ir in stride(from: 0, to: mcCur, by: mr) {
            let h = min(mr, mcCur - ir)
            let aStrip = UnsafePointer(packedA + ir * kcCur)
            let cTile = c + (ic + ir) * ldc + jc + jr
            if h == mr && w == nr {
              microKernel(depth: kcCur, a: aStrip, b: bStrip, c: cTile, ldc: ldc)
            } else {
              // Edge tile: compute the padded tile aside, then add only the real part.
              edgeTile.initialize(repeating: 0, count: mr * nr)
              microKernel(depth: kcCur, a: aStrip, b: bStrip, c: edgeTile, ldc: nr)
              for i in 0..<h {
                for j in 0..<w { cTile[i * ldc + j] += edgeTile[i * nr + j] }
              }
            }
          }
        }
      }
    }
  }
}

@inline(__always)
private func roundUp(_ x: Int, to multiple: Int) -> Int {
  (x + multiple - 1) / multiple * multiple
}

/// Packs rows `row..<row+height`, columns `col..<col+depth` of `A` into strips of `mr` rows:
/// strip `s` holds, for each column in turn, its `mr` values (zeros below the last row).
private func packA(
  _ a: GemmOperand, row: Int, col: Int, height: Int, depth: Int,
  into dst: UnsafeMutablePointer<Double>
) {
  let mr = GemmBlocking.mr
  for ir in stride(from: 0, to: height, by: mr) {
    let h = min(mr, height - ir)
    let strip = dst + ir * depth
    let src = a.base + (row + ir) * a.rowStride + col * a.colStride
    // Walk the source along its contiguous direction.
    if a.rowStride == 1 && h == mr {
      // Full strip of a transposed operand: each column's `mr` values are contiguous. Six
      // values move as one 4-wide and one 2-wide vector (a per-column `memmove` call would
      // cost more than the copy).
      for p in 0..<depth {
        let s = UnsafeRawPointer(src + p * a.colStride)
        let d = UnsafeMutableRawPointer(strip + p * mr)
        d.storeBytes(of: s.loadUnaligned(as: SIMD4<Double>.self), as: SIMD4<Double>.self)
        d.storeBytes(
          of: s.loadUnaligned(fromByteOffset: 32, as: SIMD2<Double>.self), toByteOffset: 32,
          as: SIMD2<Double>.self)
      }
    } else if a.rowStride == 1 {
      for p in 0..<depth {
        let s = src + p * a.colStride
        let d = strip + p * mr
        for i in 0..<h { d[i] = s[i] }
        for i in h..<mr { d[i] = 0 }
      }
    } else {
      for i in 0..<h {
        let s = src + i * a.rowStride
        for p in 0..<depth { strip[p * mr + i] = s[p * a.colStride] }
      }
      if h < mr {
        for p in 0..<depth {
          for i in h..<mr { strip[p * mr + i] = 0 }
        }
      }
    }
  }
}

/// Packs rows `row..<row+depth`, columns `col..<col+width` of `B` into strips of `nr`
/// columns: strip `s` holds, for each row in turn, its `nr` values (zeros past the last
/// column).
private func packB(
  _ b: GemmOperand, row: Int, col: Int, depth: Int, width: Int,
  into dst: UnsafeMutablePointer<Double>
) {
  let nr = GemmBlocking.nr
  for jr in stride(from: 0, to: width, by: nr) {
    let w = min(nr, width - jr)
    let strip = dst + jr * depth
    let src = b.base + row * b.rowStride + (col + jr) * b.colStride
    if b.colStride == 1 && w == nr {
      for p in 0..<depth {
        UnsafeMutableRawPointer(strip + p * nr).storeBytes(
          of: load8(src + p * b.rowStride), as: SIMD8<Double>.self)
      }
    } else if b.rowStride == 1 && w == nr {
      // A transposed operand (such as `Wᵀ` in `x Wᵀ`): the strip's columns are rows of the
      // stored matrix. Read the eight of them side by side and write each packed row of eight
      // values at once.
      let cs = b.colStride
      for p in 0..<depth {
        let s = src + p
        let row = SIMD8<Double>(
          s[0], s[cs], s[2 * cs], s[3 * cs], s[4 * cs], s[5 * cs], s[6 * cs], s[7 * cs])
        UnsafeMutableRawPointer(strip + p * nr).storeBytes(of: row, as: SIMD8<Double>.self)
      }
    } else if b.colStride == 1 {
      for p in 0..<depth {
        let s = src + p * b.rowStride
        let d = strip + p * nr
        for j in 0..<w { d[j] = s[j] }
        for j in w..<nr { d[j] = 0 }
      }
    } else {
      for j in 0..<w {
        let s = src + j * b.colStride
        for p in 0..<depth { strip[p * nr + j] = s[p * b.rowStride] }
      }
      if w < nr {
        for p in 0..<depth {
          for j in w..<nr { strip[p * nr + j] = 0 }
        }
      }
    }
  }
}

@inline(__always)
private func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
private func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
}

@inline(__always)
private func add8(_ v: SIMD8<Double>, to p: UnsafeMutablePointer<Double>) {
  let raw = UnsafeMutableRawPointer(p)
  raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Double>.self) + v, as: SIMD8<Double>.self)
}

/// `C[0..<6, 0..<8] += A strip * B strip` over `depth` steps, with the tile in six 8-wide
/// registers (twelve AVX2 registers, six AVX-512 ones), so each loaded value of `B` feeds six
/// multiply-adds.
///
/// Multiply and add stay separate operations (no fused multiply-add): identical rounding on
/// every machine, whether it has FMA instructions or not, keeps results the same everywhere.
@inline(__always)
private func microKernel(
  depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
  c: UnsafeMutablePointer<Double>, ldc: Int
) {
  var c0 = SIMD8<Double>()
  var c1 = c0
  var c2 = c0
  var c3 = c0
  var c4 = c0
  var c5 = c0
  var pa = a
  var pb = b
  for _ in 0..<depth {
    let bv = load8(pb)
    c0 += bv * pa[0]
    c1 += bv * pa[1]
    c2 += bv * pa[2]
    c3 += bv * pa[3]
    c4 += bv * pa[4]
    c5 += bv * pa[5]
    pa += 6
    pb += 8
  }
  add8(c0, to: c)
  add8(c1, to: c + ldc)
  add8(c2, to: c + 2 * ldc)
  add8(c3, to: c + 3 * ldc)
  add8(c4, to: c + 4 * ldc)
  add8(c5, to: c + 5 * ldc)
}

@inline(__always)
private func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
}

/// Unpacked product as dot products, for rows of `A` and columns of `B` that are contiguous
/// (such as `x Wᵀ` for a single example).
private func gemmDots(
  m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand, c: UnsafeMutablePointer<Double>,
  ldc: Int
) {
  for i in 0..<m {
    let aRow = a.base + i * a.rowStride
    var j = 0
    // Four columns side by side: four independent chains of additions keep the adder busy.
    // Each column's dot product is still the one `dot` below computes, operation for
    // operation.
    while j + 4 <= n {
      let b0 = b.base + j * b.colStride
      let b1 = b0 + b.colStride
      let b2 = b1 + b.colStride
      let b3 = b2 + b.colStride
      var s00 = SIMD4<Double>()
      var s01 = s00
      var s10 = s00
      var s11 = s00
      var s20 = s00
      var s21 = s00
      var s30 = s00
      var s31 = s00
      var p = 0
      while p + 8 <= k {
        let x0 = load4(aRow + p)
        let x1 = load4(aRow + p + 4)
        s00 += x0 * load4(b0 + p)
        s01 += x1 * load4(b0 + p + 4)
        s10 += x0 * load4(b1 + p)
        s11 += x1 * load4(b1 + p + 4)
        s20 += x0 * load4(b2 + p)
        s21 += x1 * load4(b2 + p + 4)
        s30 += x0 * load4(b3 + p)
        s31 += x1 * load4(b3 + p + 4)
        p += 8
      }
      let cRow = c + i * ldc + j
      cRow[0] += finishDot((s00 + s01).sum(), aRow, b0, from: p, to: k)
      cRow[1] += finishDot((s10 + s11).sum(), aRow, b1, from: p, to: k)
      cRow[2] += finishDot((s20 + s21).sum(), aRow, b2, from: p, to: k)
      cRow[3] += finishDot((s30 + s31).sum(), aRow, b3, from: p, to: k)
      j += 4
    }
    while j < n {
      c[i * ldc + j] += dot(aRow, b.base + j * b.colStride, count: k)
      j += 1
    }
  }
}

/// `Σ x[p] y[p]` with two 4-wide partial sums over blocks of 8, then the rest one by one.
@inline(__always)
private func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count k: Int) -> Double {
  // Two independent accumulators hide the latency of the additions.
  var s0 = SIMD4<Double>()
  var s1 = s0
  var p = 0
  while p + 8 <= k {
    s0 += load4(x + p) * load4(y + p)
    s1 += load4(x + p + 4) * load4(y + p + 4)
    p += 8
  }
  return finishDot((s0 + s1).sum(), x, y, from: p, to: k)
}

/// Adds the products from `p` to `k` one by one to `sum`.
@inline(__always)
private func finishDot(
  _ sum: Double, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, from p: Int, to k: Int
) -> Double {
  var total = sum
  for q in p..<k { total += x[q] * y[q] }
  return total
}

/// Unpacked product as row updates `C[i, :] += A[i, p] * B[p, :]`, for contiguous rows of `B`
/// (such as `x W` for a single example, or a rank-1 weight gradient). A block of a row of `C`
/// stays in registers while every `p` is added to it, in order.
private func gemmRowUpdates(
  m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand, c: UnsafeMutablePointer<Double>,
  ldc: Int
) {
  for i in 0..<m {
    let cRow = c + i * ldc
    var j = 0
    while j + 32 <= n {
      var c0 = load8(cRow + j)
      var c1 = load8(cRow + j + 8)
      var c2 = load8(cRow + j + 16)
      var c3 = load8(cRow + j + 24)
      for p in 0..<k {
        let x = a[i, p]
        let bRow = b.base + p * b.rowStride + j
        c0 += load8(bRow) * x
        c1 += load8(bRow + 8) * x
        c2 += load8(bRow + 16) * x
        c3 += load8(bRow + 24) * x
      }
      store8(c0, cRow + j)
      store8(c1, cRow + j + 8)
      store8(c2, cRow + j + 16)
      store8(c3, cRow + j + 24)
      j += 32
    }
    while j + 8 <= n {
      var c0 = load8(cRow + j)
      for p in 0..<k { c0 += load8(b.base + p * b.rowStride + j) * a[i, p] }
      store8(c0, cRow + j)
      j += 8
    }
    while j + 4 <= n {
      var c0 = load4(cRow + j)
      for p in 0..<k { c0 += load4(b.base + p * b.rowStride + j) * a[i, p] }
      UnsafeMutableRawPointer(cRow + j).storeBytes(of: c0, as: SIMD4<Double>.self)
      j += 4
    }
    while j < n {
      var total = cRow[j]
      for p in 0..<k { total += a[i, p] * b.base[p * b.rowStride + j] }
      cRow[j] = total
      j += 1
    }
  }
}
