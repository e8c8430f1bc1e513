using System.Globalization;
using Spectre.Console;
using SvqVideo.Metrics;

namespace SvqVideo.Cli;

/// <summary>Renders metric reports for people (Spectre tables) with the convention of each number stated.</summary>
internal static class MetricTables
{
    public static string Format(double v) =>
        double.IsPositiveInfinity(v) ? "+inf" : double.IsNaN(v) ? "n/a" : Math.Abs(v) >= 100 ? v.ToString("F2", CultureInfo.InvariantCulture) : v.ToString("G5", CultureInfo.InvariantCulture);

    /// <summary>One column per report (e.g. model vs copy-last-frame baseline), one row per metric.</summary>
    public static Table Compare(string title, IReadOnlyList<(string Name, MetricReport Report)> reports)
    {
        var table = new Table().Title(title);
        table.AddColumn("metric");
        foreach (var (name, _) in reports)
        {
            table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        }

        table.AddColumn("meaning");
        var names = reports.SelectMany(r => r.Report.Metrics.Keys).Distinct().ToList();
        foreach (var metric in names)
        {
            var cells = new List<string> { metric };
            string description = "";
            foreach (var (_, report) in reports)
            {
                if (report.Metrics.TryGetValue(metric, out var s))
                {
                    cells.Add(Format(s.Mean) + (s.InfiniteFrames > 0 ? $" ({s.InfiniteFrames} identical frames)" : ""));
                    description = s.Description;
                }
                else
                {
                    cells.Add("n/a");
                }
            }

            cells.Add(description);
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        foreach (var (_, report) in reports)
        {
            foreach (var (metric, reason) in report.Unavailable)
            {
                table.Caption($"{metric}: {Markup.Escape(reason)}");
            }
        }

        return table;
    }
}
