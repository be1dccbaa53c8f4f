extension LineChart {
  private static let referenceFontSize = 11.0

  /// A rectangle in pixels, for keeping labels and the legend off the data and each other.
  struct Box {
    var minX: Double
    var minY: Double
    var maxX: Double
    var maxY: Double

    func contains(_ point: (x: Double, y: Double)) -> Bool {
      point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }

    func intersects(_ other: Box) -> Bool {
      minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }
  }

  /// A place for a label: its anchor point, text anchoring, and the box the text covers.
  private struct LabelSpot {
    var x: Double
    var baseline: Double
    var anchor: SVGElement.Anchor
    var box: Box
  }

  /// The reference lines (drawn under the data) and their labels (drawn over it). Each label
  /// goes to the first of a few spots along its line that covers the fewest data samples and
  /// no earlier label.
  func referenceElements(
    _ layout: Layout, avoiding samples: [(x: Double, y: Double)]
  ) -> (lines: [SVGElement], labels: [(element: SVGElement, box: Box)]) {
    var lines: [SVGElement] = []
    var labels: [(element: SVGElement, box: Box)] = []
    let size = LineChart.referenceFontSize
    for reference in referenceLines {
      let dash = reference.dashed ? "6 4" : nil
      let spots: [LabelSpot]
      switch reference.orientation {
      case .horizontal:
        guard let fy = layout.yAxis.fraction(of: reference.value), fy >= 0, fy <= 1 else {
          continue
        }
        let y = layout.bottom - fy * (layout.bottom - layout.top)
        lines.append(
          .line(
            x1: layout.left, y1: y, x2: layout.right, y2: y, stroke: reference.color,
            width: 1.5, dash: dash))
        spots = horizontalSpots(reference.label, y: y, layout: layout)
      case .vertical:
        guard let fx = layout.xAxis.fraction(of: reference.value), fx >= 0, fx <= 1 else {
          continue
        }
        let x = layout.left + fx * (layout.right - layout.left)
        lines.append(
          .line(
            x1: x, y1: layout.top, x2: x, y2: layout.bottom, stroke: reference.color,
            width: 1.5, dash: dash))
        spots = verticalSpots(reference.label, x: x, layout: layout)
      }
      guard !reference.label.isEmpty, let first = spots.first else { continue }
      var best = first
      var bestCost = Int.max
      for spot in spots {
        var cost = samples.filter { spot.box.contains($0) }.count
        cost += labels.filter { spot.box.intersects($0.box) }.count * 1000
        if cost < bestCost {
          best = spot
          bestCost = cost
        }
      }
      labels.append(
        (
          .label(
            reference.label, x: best.x, y: best.baseline, anchor: best.anchor, size: size,
            color: reference.color, halo: true),
          best.box
        ))
    }
    return (lines, labels)
  }

  /// Above or below the line, at its right or left end; spots that leave the plot are dropped
  /// unless none fits.
  private func horizontalSpots(_ text: String, y: Double, layout: Layout) -> [LabelSpot] {
    let size = LineChart.referenceFontSize
    let width = TextMetrics.width(text, size: size)
    var spots: [LabelSpot] = []
    for (end, below) in [(true, false), (true, true), (false, false), (false, true)] {
      let baseline = below ? y + 5 + size : y - 5
      let x = end ? layout.right - 6 : layout.left + 6
      let minX = end ? x - width : x
      spots.append(
        LabelSpot(
          x: x, baseline: baseline, anchor: end ? .end : .start,
          box: Box(minX: minX, minY: baseline - size, maxX: minX + width, maxY: baseline + 3)))
    }
    let inside = spots.filter { $0.box.minY >= layout.top && $0.box.maxY <= layout.bottom }
    return inside.isEmpty ? spots : inside
  }

  /// Right or left of the line, at the top or the bottom of the plot; spots that leave the
  /// plot are dropped unless none fits.
  private func verticalSpots(_ text: String, x: Double, layout: Layout) -> [LabelSpot] {
    let size = LineChart.referenceFontSize
    let width = TextMetrics.width(text, size: size)
    var spots: [LabelSpot] = []
    for (bottom, left) in [(false, false), (false, true), (true, false), (true, true)] {
      let baseline = bottom ? layout.bottom - 6 : layout.top + 4 + size
      let anchorX = left ? x - 5 : x + 5
      let minX = left ? anchorX - width : anchorX
      spots.append(
        LabelSpot(
          x: anchorX, baseline: baseline, anchor: left ? .end : .start,
          box: Box(minX: minX, minY: baseline - size, maxX: minX + width, maxY: baseline + 3)))
    }
    let inside = spots.filter { $0.box.minX >= layout.left + 2 && $0.box.maxX <= layout.right - 2 }
    return inside.isEmpty ? spots : inside
  }
}
