extension LineChart {
  private static let legendFontSize = 12.0
  private static let legendRowHeight = 18.0
  private static let legendSwatchWidth = 26.0
  private static let legendInset = 8.0

  /// The legend box, or `nil` when it is hidden or no series has a name.
  func legendElement(
    _ layout: Layout, samples: [(x: Double, y: Double)], labels: [Box]
  ) -> SVGElement? {
    let entries = series.indices.filter { !series[$0].name.isEmpty }
    guard legendPosition != .hidden, !entries.isEmpty else { return nil }
    let size = LineChart.legendFontSize
    let textWidth =
      entries.map { TextMetrics.width(series[$0].name, size: size) }.max() ?? 0
    let boxWidth = 8 + LineChart.legendSwatchWidth + 6 + textWidth + 8
    let boxHeight = 6 + Double(entries.count) * LineChart.legendRowHeight + 4

    let corner = resolvedLegendCorner(
      layout, width: boxWidth, height: boxHeight, samples: samples, labels: labels)
    let box = legendBox(corner, layout: layout, width: boxWidth, height: boxHeight)

    var background = SVGElement.rect(
      x: box.minX, y: box.minY, width: boxWidth, height: boxHeight, fill: .white,
      stroke: .lightGray)
    background.setAttribute("fill-opacity", "0.9")
    var children = [background]
    for (row, index) in entries.enumerated() {
      let line = series[index]
      let centerY = box.minY + 6 + (Double(row) + 0.5) * LineChart.legendRowHeight
      let swatchX = box.minX + 8
      children.append(
        .line(
          x1: swatchX, y1: centerY, x2: swatchX + LineChart.legendSwatchWidth, y2: centerY,
          stroke: color(ofSeries: index), width: line.lineWidth,
          dash: line.dashed ? LineChart.dashPattern(width: line.lineWidth) : nil))
      children.append(
        .label(
          line.name, x: swatchX + LineChart.legendSwatchWidth + 6, y: centerY + size * 0.35,
          size: size))
    }
    return .group(["class": "legend"], children)
  }

  /// The corner to use: the requested one, or for `.automatic` the one whose box covers the
  /// fewest sampled data pixels (and reference labels), first in reading order on a tie.
  private func resolvedLegendCorner(
    _ layout: Layout, width: Double, height: Double, samples: [(x: Double, y: Double)],
    labels: [Box]
  ) -> LegendPosition {
    guard legendPosition == .automatic else { return legendPosition }
    let corners: [LegendPosition] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
    var best = LegendPosition.topRight
    var bestCost = Int.max
    for corner in corners {
      let box = legendBox(corner, layout: layout, width: width, height: height)
      let padded = Box(
        minX: box.minX - 4, minY: box.minY - 4, maxX: box.maxX + 4, maxY: box.maxY + 4)
      var cost = samples.filter { padded.contains($0) }.count
      // Covering a label hides it completely, which is worse than hiding a few points.
      cost += labels.filter { padded.intersects($0) }.count * 1000
      if cost < bestCost {
        best = corner
        bestCost = cost
      }
    }
    return best
  }

  private func legendBox(
    _ corner: LegendPosition, layout: Layout, width: Double, height: Double
  ) -> Box {
    let inset = LineChart.legendInset
    let left = corner == .topLeft || corner == .bottomLeft
    let top = corner == .topLeft || corner == .topRight
    let minX = left ? layout.left + inset : layout.right - inset - width
    let minY = top ? layout.top + inset : layout.bottom - inset - height
    return Box(minX: minX, minY: minY, maxX: minX + width, maxY: minY + height)
  }
}
