using ScottPlot;

namespace SvqVideo.Cli.Reports;

/// <summary>Loss curves and codebook-usage histograms as PNG (ScottPlot), written atomically.</summary>
internal static class Charts
{
    /// <summary>One line per named series of (epoch, value) points.</summary>
    public static void WriteCurves(string path, string title, string yLabel, IReadOnlyDictionary<string, IReadOnlyList<(double X, double Y)>> series, bool logY = false)
    {
        using var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        foreach (var (name, points) in series)
        {
            if (points.Count == 0)
            {
                continue;
            }

            var xs = points.Select(p => p.X).ToArray();
            var ys = points.Select(p => logY ? Math.Log10(Math.Max(p.Y, 1e-12)) : p.Y).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = name;
        }

        if (logY)
        {
            plot.YLabel($"log10 {yLabel}");
        }

        plot.ShowLegend();
        Save(plot, path, 800, 450);
    }

    /// <summary>Bar chart of how often each code was used, sorted descending (the long tail shows sparsity).</summary>
    public static void WriteCodebookUsage(string path, string title, IReadOnlyList<double> usage)
    {
        var sorted = usage.OrderByDescending(v => v).ToArray();
        using var plot = new Plot();
        plot.Title(title);
        plot.XLabel("code rank");
        plot.YLabel("share of uses");
        double total = Math.Max(sorted.Sum(), 1e-12);
        var ys = sorted.Select(v => v / total).ToArray();
        var xs = Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray();
        var fill = plot.Add.Scatter(xs, ys);
        fill.MarkerSize = 0;
        Save(plot, path, 800, 400);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        Torch.AtomicFile.Write(path, s => s.Write(bytes));
    }
}
