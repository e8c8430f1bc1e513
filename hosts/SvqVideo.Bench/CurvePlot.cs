using System.Globalization;
using ScottPlot;

namespace SvqVideo.Bench;

/// <summary>
/// Draws the learning curve that <c>scripts/pretrain-demo.sh</c> records (curve.csv: one row per training segment)
/// as test MSE against the training process's CPU-hours, with copy-last-frame and the blank frame as flat lines:
/// <c>SvqVideo.Bench --plot-curve curve.csv curve.png</c>.
/// </summary>
internal static class CurvePlot
{
    public static void Write(string csv, string png)
    {
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2)
        {
            throw new InvalidDataException($"{csv}: no segment rows");
        }

        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i : throw new InvalidDataException($"{csv}: no '{name}' column");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        double[] Values(string name) => rows.Select(r => double.Parse(r[Column(name)], CultureInfo.InvariantCulture)).ToArray();
        var hours = Values("cpu_hours");
        var mse = Values("mse");

        using var plot = new Plot();
        plot.Title("Bundled demo model: test MSE on 1000 held-out Moving-MNIST sequences");
        plot.XLabel("training CPU-hours (user + system time of the train process)");
        plot.YLabel("MSE (OpenSTL per-frame sum; lower is better)");
        var model = plot.Add.Scatter(hours, mse);
        model.LegendText = "SimVP+SVQ";
        var copy = plot.Add.HorizontalLine(Values("copy_last_mse").Average());
        copy.LegendText = "copy last frame";
        copy.LinePattern = LinePattern.Dashed;
        var blank = plot.Add.HorizontalLine(Values("blank_mse").Average());
        blank.LegendText = "blank frame";
        blank.LinePattern = LinePattern.Dotted;
        plot.Axes.SetLimitsX(0, hours.Max() * 1.05);
        plot.Axes.SetLimitsY(0, Math.Max(Values("copy_last_mse").Max(), mse.Max()) * 1.1);
        plot.ShowLegend();
        var bytes = plot.GetImageBytes(800, 450, ImageFormat.Png);
        SvqVideo.Torch.AtomicFile.Write(png, s => s.Write(bytes));
    }
}
