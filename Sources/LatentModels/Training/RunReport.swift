import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `report.html`: a run's configuration, loss curves (inline SVG), pictures and final numbers,
/// in one self-contained page that opens in any browser.
public enum RunReport {
    /// Writes `report.html` into `folder`.
    ///
    /// - Parameters:
    ///   - folder: the run folder (its `metrics.jsonl` supplies the curves).
    ///   - title: the page heading.
    ///   - configuration: pretty-printed JSON of the run's configuration.
    ///   - curves: per chart, the title and the metric keys to plot against `step`.
    ///   - images: PNG files in the folder with captions.
    ///   - summary: the final figures as rows of the results table.
    public static func write(
        to folder: URL, title: String, configuration: String, curves: [(title: String, keys: [String])],
        images: [(file: String, caption: String)], summary: [(String, String)]
    ) throws {
        let records = MetricsLog.read(folder.appendingPathComponent("metrics.jsonl"))
        var html = """
            <!doctype html><html><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}figure{display:inline-block;margin:8px}
            img{image-rendering:pixelated;border:1px solid #ddd;max-width:460px}pre{background:#f6f6f6;padding:10px}
            svg text{font-size:11px}</style></head><body>
            <h1>\(escape(title))</h1>
            <p>Written \(ISO8601DateFormatter().string(from: Date())) by Latent.</p>

            """
        if !summary.isEmpty {
            html += "<h2>Results</h2><table>"
            for (key, value) in summary { html += "<tr><th>\(escape(key))</th><td>\(escape(value))</td></tr>" }
            html += "</table>\n"
        }
        for curve in curves {
            let series = curve.keys.map { key in
                (key, records.compactMap { record -> (Double, Double)? in
                    guard let step = record["step"] as? Double ?? (record["step"] as? Int).map(Double.init),
                          let value = record[key] as? Double ?? (record[key] as? Int).map(Double.init),
                          value.isFinite else { return nil }
                    return (step, value)
                })
            }.filter { !$0.1.isEmpty }
            guard !series.isEmpty else { continue }
            html += "<h2>\(escape(curve.title))</h2>" + chart(series) + "\n"
        }
        let present = images.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.file).path) }
        if !present.isEmpty {
            html += "<h2>Pictures</h2>"
            for image in present {
                html += "<figure><img src=\"\(escape(image.file))\"><figcaption>\(escape(image.caption))</figcaption></figure>"
            }
            html += "\n"
        }
        html += "<h2>Configuration</h2><pre>\(escape(configuration))</pre>\n</body></html>\n"
        try AtomicFile.write(Data(html.utf8), to: folder.appendingPathComponent("report.html"))
    }

    /// An SVG line chart of several series sharing the x axis.
    static func chart(_ series: [(String, [(Double, Double)])]) -> String {
        let width = 900.0, height = 280.0, left = 60.0, right = 150.0, top = 10.0, bottom = 30.0
        let xs = series.flatMap { $0.1.map(\.0) }, ys = series.flatMap { $0.1.map(\.1) }
        let xMin = xs.min()!, xMax = max(xs.max()!, xMin + 1)
        var yMin = ys.min()!, yMax = ys.max()!
        if yMax - yMin < 1e-12 { yMin -= 1; yMax += 1 }
        let px = { (x: Double) in left + (x - xMin) / (xMax - xMin) * (width - left - right) }
        let py = { (y: Double) in top + (1 - (y - yMin) / (yMax - yMin)) * (height - top - bottom) }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(width - left - right)\" height=\"\(height - top - bottom)\" fill=\"none\" stroke=\"#999\"/>"
        for tick in 0...4 {
            let y = yMin + (yMax - yMin) * Double(tick) / 4
            svg += "<text x=\"\(left - 5)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(label(y))</text>"
            let x = xMin + (xMax - xMin) * Double(tick) / 4
            svg += "<text x=\"\(px(x))\" y=\"\(height - 10)\" text-anchor=\"middle\">\(label(x))</text>"
        }
        for (index, (name, points)) in series.enumerated() {
            let color = colors[index % colors.count]
            let path = points.map { "\(String(format: "%.1f", px($0.0))),\(String(format: "%.1f", py($0.1)))" }
                .joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>"
            svg += "<text x=\"\(width - right + 10)\" y=\"\(top + 14 + Double(index) * 16)\" fill=\"\(color)\">\(escape(name))</text>"
        }
        return svg + "</svg>"
    }

    static func label(_ value: Double) -> String {
        abs(value) >= 1e4 || (abs(value) < 1e-2 && value != 0) ? String(format: "%.2g", value) : String(format: "%.4g", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Writes files so that a reader never sees a partial one: a temporary file beside the target,
/// then a rename.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw RunError("renaming \(temporary.lastPathComponent) over it: \(FileErrorText.lastError)")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw RunError("cannot write \(url.path): \(FileErrorText.phrase(error))")
        }
    }
}
