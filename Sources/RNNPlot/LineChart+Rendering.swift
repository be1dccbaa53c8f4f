extension LineChart {
  /// The plot rectangle and the two axes, in pixels.
  struct Layout {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double
    var xAxis: AxisLayout
    var yAxis: AxisLayout

    /// The pixel position of a data point, or `nil` if an axis cannot place it.
    func pixel(_ point: Point) -> (x: Double, y: Double)? {
      guard let fx = xAxis.fraction(of: point.x), let fy = yAxis.fraction(of: point.y) else {
        return nil
      }
      return (left + fx * (right - left), bottom - fy * (bottom - top))
    }
  }

  static let tickFontSize = 11.0
  static let tickLength = 5.0
  static let clipID = "plot-area"

  public func svg() -> String {
    let layout = makeLayout()
    var document = SVGDocument(width: width, height: height)
    if !title.isEmpty { document.append(SVGElement("title", text: title)) }
    document.append(.rect(x: 0, y: 0, width: width, height: height, fill: .white))
    document.append(
      SVGElement(
        "defs",
        children: [
          SVGElement(
            "clipPath", ["id": LineChart.clipID],
            children: [
              .rect(
                x: layout.left, y: layout.top, width: layout.right - layout.left,
                height: layout.bottom - layout.top, fill: nil)
            ])
        ]))
    if !title.isEmpty {
      document.append(.label(title, x: width / 2, y: 26, anchor: .middle, size: 15, bold: true))
    }
    if showsGrid { document.append(gridElement(layout)) }
    document.append(contentsOf: axisElements(layout))
    let samples = dataSamples(layout)
    let references = referenceElements(layout, avoiding: samples)
    document.append(contentsOf: references.lines)
    for index in series.indices {
      document.append(seriesElement(index, layout: layout))
    }
    document.append(contentsOf: references.labels.map(\.element))
    let notes = annotationElements(layout)
    if !notes.isEmpty { document.append(.group(["class": "annotations"], notes)) }
    let labelBoxes = references.labels.map(\.box)
    if let legend = legendElement(layout, samples: samples, labels: labelBoxes) {
      document.append(legend)
    }
    return document.svg()
  }

  // MARK: Layout

  func makeLayout() -> Layout {
    var xValues: [Double] = []
    var yValues: [Double] = []
    for line in series {
      for point in line.points where xScale.accepts(point.x) && yScale.accepts(point.y) {
        xValues.append(point.x)
        yValues.append(point.y)
      }
    }
    for line in referenceLines {
      switch line.orientation {
      case .horizontal: yValues.append(line.value)
      case .vertical: xValues.append(line.value)
      }
    }

    let top = title.isEmpty ? 16.0 : 44.0
    let tickSpace = LineChart.tickLength + 4 + LineChart.tickFontSize + 4
    let bottomMargin = 8 + tickSpace + (xLabel.isEmpty ? 0 : 20)
    let plotHeight = Swift.max(40, height - top - bottomMargin)
    let yAxis = AxisLayout(
      scale: yScale, covering: yValues, maxTicks: Swift.max(2, Int(plotHeight / 36)),
      fixedDomain: yRange)
    let widestY =
      yAxis.ticks.map { TextMetrics.width($0.label, size: LineChart.tickFontSize) }.max() ?? 0
    let left = 12 + (yLabel.isEmpty ? 0 : 22) + widestY + LineChart.tickLength + 4

    // Shrink the tick count until the x labels fit side by side with some air between them.
    var rightMargin = 20.0
    var plotWidth = Swift.max(40, width - left - rightMargin)
    var maxTicks = Swift.max(2, Int(plotWidth / 50))
    var xAxis = AxisLayout(
      scale: xScale, covering: xValues, maxTicks: maxTicks, fixedDomain: xRange)
    while maxTicks > 2 {
      let widest =
        xAxis.ticks.map { TextMetrics.width($0.label, size: LineChart.tickFontSize) }.max() ?? 0
      if Double(xAxis.ticks.count) * (widest + 12) <= plotWidth { break }
      maxTicks -= 1
      xAxis = AxisLayout(
        scale: xScale, covering: xValues, maxTicks: maxTicks, fixedDomain: xRange)
    }
    // Leave room for half of the last tick label, which is centered on the right edge.
    if let last = xAxis.ticks.last, xAxis.fraction(of: last.value) ?? 0 > 0.99 {
      let half = TextMetrics.width(last.label, size: LineChart.tickFontSize) / 2
      rightMargin = Swift.max(rightMargin, half + 6)
      plotWidth = Swift.max(40, width - left - rightMargin)
    }
    return Layout(
      left: left, top: top, right: left + plotWidth, bottom: top + plotHeight, xAxis: xAxis,
      yAxis: yAxis)
  }

  // MARK: Axes

  private func gridElement(_ layout: Layout) -> SVGElement {
    var lines: [SVGElement] = []
    for tick in layout.xAxis.ticks {
      guard let fx = layout.xAxis.fraction(of: tick.value) else { continue }
      let x = layout.left + fx * (layout.right - layout.left)
      lines.append(.line(x1: x, y1: layout.top, x2: x, y2: layout.bottom, stroke: .lightGray))
    }
    for tick in layout.yAxis.ticks {
      guard let fy = layout.yAxis.fraction(of: tick.value) else { continue }
      let y = layout.bottom - fy * (layout.bottom - layout.top)
      lines.append(.line(x1: layout.left, y1: y, x2: layout.right, y2: y, stroke: .lightGray))
    }
    return .group(["class": "grid"], lines)
  }

  private func axisElements(_ layout: Layout) -> [SVGElement] {
    var marks: [SVGElement] = []
    var labels: [SVGElement] = []
    let size = LineChart.tickFontSize
    let plotWidth = layout.right - layout.left
    let plotHeight = layout.bottom - layout.top

    for (value, isMajor) in allTicks(layout.xAxis) {
      guard let fx = layout.xAxis.fraction(of: value.value) else { continue }
      let x = layout.left + fx * plotWidth
      let length = isMajor ? LineChart.tickLength : LineChart.tickLength * 0.6
      marks.append(
        .line(x1: x, y1: layout.bottom, x2: x, y2: layout.bottom + length, stroke: .darkGray))
      if isMajor {
        labels.append(
          .label(
            value.label, x: x, y: layout.bottom + LineChart.tickLength + 4 + size,
            anchor: .middle, size: size))
      }
    }
    for (value, isMajor) in allTicks(layout.yAxis) {
      guard let fy = layout.yAxis.fraction(of: value.value) else { continue }
      let y = layout.bottom - fy * plotHeight
      let length = isMajor ? LineChart.tickLength : LineChart.tickLength * 0.6
      marks.append(
        .line(x1: layout.left - length, y1: y, x2: layout.left, y2: y, stroke: .darkGray))
      if isMajor {
        labels.append(
          .label(
            value.label, x: layout.left - LineChart.tickLength - 4, y: y + size * 0.35,
            anchor: .end, size: size))
      }
    }

    var elements: [SVGElement] = [
      .rect(
        x: layout.left, y: layout.top, width: plotWidth, height: plotHeight, fill: nil,
        stroke: .darkGray),
      .group(["class": "ticks"], marks),
      .group(["class": "tick-labels"], labels),
    ]
    if !xLabel.isEmpty {
      elements.append(
        .label(
          xLabel, x: layout.left + plotWidth / 2, y: layout.bottom + LineChart.tickLength + 40,
          anchor: .middle, size: 13))
    }
    if !yLabel.isEmpty {
      let x = 22.0
      let y = layout.top + plotHeight / 2
      elements.append(.label(yLabel, x: x, y: y, anchor: .middle, size: 13, rotation: -90))
    }
    return elements
  }

  /// Major ticks (with labels) followed by minor ones (label unused).
  private func allTicks(_ axis: AxisLayout) -> [(Tick, Bool)] {
    axis.ticks.map { ($0, true) }
      + axis.minorTicks.map { (Tick(value: $0, label: TickLabel(base: "")), false) }
  }

  // MARK: Data

  /// The pixel runs of series `index`: maximal stretches of points both axes can place.
  func runs(ofSeries index: Int, layout: Layout) -> [[(x: Double, y: Double)]] {
    var runs: [[(x: Double, y: Double)]] = []
    var current: [(x: Double, y: Double)] = []
    for point in series[index].points {
      if let pixel = layout.pixel(point) {
        current.append(pixel)
      } else if !current.isEmpty {
        runs.append(current)
        current = []
      }
    }
    if !current.isEmpty { runs.append(current) }
    return runs
  }

  private func seriesElement(_ index: Int, layout: Layout) -> SVGElement {
    let line = series[index]
    let color = color(ofSeries: index)
    var children: [SVGElement] = []
    if !line.name.isEmpty { children.append(SVGElement("title", text: line.name)) }
    let dash = line.dashed ? LineChart.dashPattern(width: line.lineWidth) : nil
    for run in runs(ofSeries: index, layout: layout) {
      if run.count >= 2 {
        children.append(.polyline(run, stroke: color, width: line.lineWidth, dash: dash))
      }
      // A lone point would otherwise be invisible.
      if line.showsMarkers || run.count == 1 {
        for pixel in run {
          children.append(
            .circle(x: pixel.x, y: pixel.y, radius: line.lineWidth + 1, fill: color))
        }
      }
    }
    return .group(["class": "series", "clip-path": "url(#\(LineChart.clipID))"], children)
  }

  private func annotationElements(_ layout: Layout) -> [SVGElement] {
    annotations.compactMap { note in
      guard let pixel = layout.pixel(note.position) else { return nil }
      let anchor: SVGElement.Anchor
      switch note.alignment {
      case .leading: anchor = .start
      case .center: anchor = .middle
      case .trailing: anchor = .end
      }
      return .label(
        note.text, x: pixel.x, y: pixel.y, anchor: anchor, size: 12, color: note.color,
        halo: true)
    }
  }

  static func dashPattern(width: Double) -> String {
    NumberText.coordinate(3.5 * width) + " " + NumberText.coordinate(2.5 * width)
  }

  /// Pixels along every drawn line, for placing the legend and labels where they hide the
  /// least data: the points themselves and four more along each segment, since points can be
  /// far apart.
  func dataSamples(_ layout: Layout) -> [(x: Double, y: Double)] {
    var samples: [(x: Double, y: Double)] = []
    for index in series.indices {
      for run in runs(ofSeries: index, layout: layout) {
        samples.append(contentsOf: run)
        for (a, b) in zip(run, run.dropFirst()) {
          for t in [0.2, 0.4, 0.6, 0.8] {
            samples.append((a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
          }
        }
      }
    }
    return samples
  }
}
