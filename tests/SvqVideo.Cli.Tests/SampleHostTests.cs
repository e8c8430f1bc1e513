using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

/// <summary>The embedding sample, built and run as a user would, on a generated video.</summary>
public sealed class SampleHostTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-sample-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SampleStreamsAVideoThroughAPluginPredictorAndDrawsTheForecast()
    {
        var video = TestVideos.MovingSquare(_dir.Combine("in.mp4"), 12, 32, 24);
        var png = _dir.Combine("forecast.png");
        string plugins = Path.Combine(Fixtures.RepositoryRoot, "artifacts", "test-plugins", "v1");
        var r = CliRunner.Run(CliRunner.SampleDll, [plugins, "echo", video, png], TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("read 12 frames", r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(png));

        // The echo predictor works at 4x4 with 2 context frames and forecasts 3: a 5-tile strip.
        using var image = OpenCvSharp.Cv2.ImRead(png);
        Assert.Equal((5 * 4, 4), (image.Width, image.Height));
    }

    [Fact]
    public void SampleReportsAMissingPluginFolderInOneLine()
    {
        var r = CliRunner.Run(CliRunner.SampleDll, [_dir.Combine("nothing"), "echo", "x.mp4", "y.png"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
