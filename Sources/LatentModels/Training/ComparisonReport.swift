import Foundation

/// One HTML page that puts several run folders side by side (`latent report R1 R2 …`): what
/// each run is and how it differs from the others, its last figures, every curve its
/// `metrics.jsonl` holds with one line per run, and each run's final sample picture. The page
/// carries its pictures inline, so it can be moved or mailed on its own.
public enum ComparisonReport {
    /// Everything the page needs from one run folder.
    struct Run {
        let name: String
        let configuration: RunConfiguration
        let records: [[String: Any]]
        let picture: (file: String, data: Data)?
    }

    /// Keys of `metrics.jsonl` records that are not curves.
    static let bookkeeping: Set<String> = ["step", "epoch", "split"]

    /// Writes the page for `runs` (run folders) to `url`.
    ///
    /// - Throws: ``RunError`` naming the folder when one is not a run folder (no readable
    ///   `config.json`), or when the page cannot be written.
    public static func write(runs: [URL], to url: URL) throws {
        guard !runs.isEmpty else { throw RunError("latent report: name at least one run folder") }
        let loaded = try runs.map(load)
        try AtomicFile.write(Data(page(loaded).utf8), to: url)
    }

    static func load(_ folder: URL) throws -> Run {
        let configuration = try RunFolder(existing: folder.path).readConfiguration()
        let records = MetricsLog.read(folder.appendingPathComponent("metrics.jsonl"))
        let picture = ["samples.png", "scatter.png"].lazy.compactMap { file -> (String, Data)? in
            (try? Data(contentsOf: folder.appendingPathComponent(file))).map { (file, $0) }
        }.first
        return Run(name: folder.standardizedFileURL.lastPathComponent, configuration: configuration,
                   records: records, picture: picture)
    }

    static func page(_ runs: [Run]) -> String {
        let escape = RunReport.escape
        var html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Latent: \(escape(runs.map(\.name).joined(separator: ", ")))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:4px 10px;text-align:left;vertical-align:top}
            figure{display:inline-block;margin:8px;vertical-align:top}
            img{image-rendering:pixelated;border:1px solid #ddd;max-width:320px}code{font-size:0.9em}
            svg text{font-size:11px}</style></head><body>
            <h1>\(runs.count == 1 ? "Run" : "\(runs.count) runs"): \(escape(runs.map(\.name).joined(separator: ", ")))</h1>
            <p>Written \(ISO8601DateFormatter().string(from: Date())) by Latent.</p>

            """
        html += "<h2>Runs</h2><table><tr><th>run</th><th>model</th><th>dataset</th><th>options</th></tr>"
        let options = comparedOptions(runs)
        for (run, options) in zip(runs, options.own) {
            html += "<tr><td>\(escape(run.name))</td><td>\(escape(run.configuration.model))</td>"
                + "<td>\(escape(run.configuration.dataset))</td><td><code>\(escape(options))</code></td></tr>"
        }
        html += "</table>\n"
        if runs.count > 1, !options.shared.isEmpty {
            html += "<p>Options of every run: <code>\(escape(options.shared))</code></p>\n"
        }

        let finals = runs.map(lastFigures)
        let keys = orderedKeys(finals.map { $0.map(\.key) })
        if !keys.isEmpty {
            html += "<h2>Last figures</h2><table><tr><th></th>"
                + runs.map { "<th>\(escape($0.name))</th>" }.joined() + "</tr>"
            for key in keys {
                html += "<tr><th>\(escape(key))</th>" + finals.map { figures in
                    "<td>\(figures.first { $0.key == key }.map { RunReport.label($0.value) } ?? "")</td>"
                }.joined() + "</tr>"
            }
            html += "</table>\n"
        }

        let curveKeys = orderedKeys(runs.map { run in run.records.flatMap { record in
            record.keys.sorted().filter { !bookkeeping.contains($0) && !$0.hasSuffix("seconds") && number(record[$0]) != nil }
        } })
        for key in curveKeys {
            let series = runs.map { run in
                (run.name, run.records.compactMap { record -> (Double, Double)? in
                    guard let step = number(record["step"]), let value = number(record[key]), value.isFinite
                    else { return nil }
                    return (step, value)
                })
            }.filter { !$0.1.isEmpty }
            guard !series.isEmpty else { continue }
            html += "<h2>\(escape(key))</h2>" + RunReport.chart(series) + "\n"
        }

        let pictures = runs.filter { $0.picture != nil }
        if !pictures.isEmpty {
            html += "<h2>Samples</h2>"
            for run in pictures {
                let (file, data) = run.picture!
                html += "<figure><img src=\"data:image/png;base64,\(data.base64EncodedString())\">"
                    + "<figcaption>\(escape(run.name)): \(escape(file))</figcaption></figure>"
            }
            html += "\n"
        }
        return html + "</body></html>\n"
    }

    /// Each run's recorded options that are not the same in every run (all of them for a
    /// single run), and those every run was given, in the first run's order; continuation
    /// options and the run folder are left out.
    static func comparedOptions(_ runs: [Run]) -> (own: [String], shared: String) {
        let groups = runs.map(optionGroups)
        guard runs.count > 1 else {
            return (groups.map { $0.isEmpty ? "(the defaults)" : $0.joined(separator: " ") }, "")
        }
        let shared = groups.dropFirst().reduce(Set(groups[0])) { $0.intersection($1) }
        let own = groups.map { options in
            let own = options.filter { !shared.contains($0) }
            return own.isEmpty ? "(no others)" : own.joined(separator: " ")
        }
        return (own, groups[0].filter(shared.contains).joined(separator: " "))
    }

    /// A run's recorded options, each with its value (`--learning-rate 1e-3`), without the run
    /// folder and the flags of one invocation.
    static func optionGroups(_ run: Run) -> [String] {
        var groups: [String] = []
        for token in (run.configuration.arguments ?? []).dropFirst() {
            if token.hasPrefix("--") || groups.isEmpty { groups.append(token) } else { groups[groups.count - 1] += " " + token }
        }
        let dropped: Set<String> = ["--out", "--resume", "--json"]
        return groups.filter { !dropped.contains(String($0.prefix { $0 != " " && $0 != "=" })) }
    }

    /// The last value of every number a run logged, by key (the step included).
    static func lastFigures(_ run: Run) -> [(key: String, value: Double)] {
        var figures: [(key: String, value: Double)] = []
        for record in run.records {
            for key in record.keys.sorted() where key != "epoch" && key != "split" {
                guard let value = number(record[key]) else { continue }
                if let index = figures.firstIndex(where: { $0.key == key }) {
                    figures[index].value = value
                } else {
                    figures.append((key, value))
                }
            }
        }
        return figures
    }

    /// The keys in order of first appearance across the lists.
    static func orderedKeys(_ lists: [[String]]) -> [String] {
        var seen = Set<String>(), ordered: [String] = []
        for key in lists.joined() where seen.insert(key).inserted { ordered.append(key) }
        if let step = ordered.firstIndex(of: "step") { ordered.remove(at: step); ordered.insert("step", at: 0) }
        return ordered
    }

    static func number(_ value: Any?) -> Double? {
        if let value = value as? Double { return value }
        if let value = value as? Int { return Double(value) }
        return nil
    }
}
