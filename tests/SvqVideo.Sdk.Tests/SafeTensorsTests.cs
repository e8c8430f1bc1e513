using SvqVideo.Testing;
using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Sdk.Tests;

public sealed class SafeTensorsTests
{
    [Fact]
    public void EveryFixtureFileParses()
    {
        var files = Fixtures.Find(_ => true);
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            using var fx = GoldenFixture.Load(f);
            Assert.NotEmpty(fx.Tensors);
            Assert.NotEmpty(fx.Outputs);
        }
    }

    [Fact]
    public void WriteThenReadRoundTripsValuesDtypesAndMetadata()
    {
        using var dir = new TempFolder("svq-st-");
        var path = dir.Combine("t.safetensors");
        using var a = randn(3, 4, 5);
        using var b = arange(7, dtype: ScalarType.Int64);
        using var c = tensor(2.5f);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["scalar"] = c }, new Dictionary<string, string> { ["k"] = "v" });
        var (t, meta) = SafeTensors.Read(path);
        Assert.Equal("v", meta["k"]);
        Assert.True(t["a"].eq(a).all().item<bool>());
        Assert.Equal(ScalarType.Int64, t["b"].dtype);
        Assert.True(t["b"].eq(b).all().item<bool>());
        Assert.Empty(t["scalar"].shape);
        Assert.Equal(2.5f, t["scalar"].item<float>());
        foreach (var x in t.Values)
        {
            x.Dispose();
        }

        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TruncatedFileIsRejectedWithTheFileName()
    {
        using var dir = new TempFolder("svq-st-");
        var path = dir.Combine("t.safetensors");
        using var a = randn(100);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["a"] = a });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "this is text, not tensors");
        e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains("not a safetensors file", e.Message, StringComparison.Ordinal);
    }
}
