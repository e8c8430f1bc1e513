using System.Text.Json;
using SvqVideo.Testing;

namespace SvqVideo.Cli.Tests;

public sealed class MetricsCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-metrics-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void IdenticalVideosScoreZeroErrorAndInfinitePsnr()
    {
        var a = TestVideos.MovingSquare(_dir.Combine("a.mp4"), 6, 32, 24);
        var r = CliRunner.Cli("metrics", "--pred", a, "--truth", a, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var metrics = doc.RootElement.GetProperty("report").GetProperty("metrics");
        Assert.Equal(0.0, metrics.GetProperty("mse").GetProperty("mean").GetDouble());
        Assert.Equal(6, metrics.GetProperty("psnr").GetProperty("infinite_frames").GetInt64());
        Assert.Equal(1.0, metrics.GetProperty("ssim").GetProperty("mean").GetDouble(), 6);
    }

    [Fact]
    public void DifferentVideosGiveAPositiveError()
    {
        var a = TestVideos.MovingSquare(_dir.Combine("a.mp4"), 6, 32, 24, speed: 2);
        var b = TestVideos.MovingSquare(_dir.Combine("b.mp4"), 6, 32, 24, speed: 3);
        var r = CliRunner.Cli("metrics", "--pred", a, "--truth", b, "--json", "--skip", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("report").GetProperty("metrics").GetProperty("mae").GetProperty("mean").GetDouble() > 0);
        Assert.Equal(5, doc.RootElement.GetProperty("frames").GetInt32());
    }

    [Fact]
    public void TextFileNamedMp4IsAOneLineErrorWithExitCode3()
    {
        var bad = _dir.Combine("notes.mp4");
        File.WriteAllText(bad, "this is not a video");
        var r = CliRunner.Cli("metrics", "--pred", bad, "--truth", bad);
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("notes.mp4", r.Stderr, StringComparison.Ordinal);
    }
}
