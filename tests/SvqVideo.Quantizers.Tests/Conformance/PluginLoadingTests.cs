using SvqVideo.Hosting;
using SvqVideo.Quantizers.Conformance;
using SvqVideo.Testing;
using static TorchSharp.torch;

namespace SvqVideo.Quantizers.Tests.Conformance;

/// <summary>The quantizer plugins as a host sees them: laid out under artifacts/plugins, loaded by name.</summary>
public sealed class PluginLoadingTests
{
    public static TheoryData<string> QuantizerNames => new() { "svq", "vq", "rvq", "lfq", "fsq", "none" };

    [Theory]
    [MemberData(nameof(QuantizerNames))]
    public void QuantizerLoadsByNameFromItsPluginFolderAndTrainsInsideAModel(string name)
    {
        using var catalog = PluginCatalog.Load(Path.Combine(Fixtures.RepositoryRoot, "artifacts", "plugins"), new PluginCatalogOptions { Strict = false });
        var factory = catalog.FindQuantizer(name);
        Assert.True(factory is not null, $"no quantizer '{name}' in {catalog.Folder}; problems: {string.Join(" | ", catalog.Problems)}");
        var options = factory!.DefaultOptions(8);
        if (name is "svq" or "vq" or "rvq" or "lfq")
        {
            options = options with { CodebookSize = 64 };
        }

        manual_seed(5);
        using var model = new TinyForecastModel(factory.Create(options), imageChannels: 1);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        using var scope = NewDisposeScope();
        var frames = rand(2, 1, 8, 8);
        model.train();
        var (output, aux) = model.forward(frames);
        var loss = nn.functional.l1_loss(output, frames) + aux;
        loss.backward();
        optimizer.step();
        Assert.Equal(frames.shape, output.shape);
        Assert.True(loss.isfinite().item<bool>());
        Assert.True(model.Encoder.weight!.grad!.abs().sum().item<float>() > 0, $"{name}: no gradient reached the encoder");
    }
}
