using SvqVideo.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>
/// The exported graph on ONNX Runtime computes what the TorchSharp model computes, within 1e-4, for every translator
/// with reference weights (the <c>simvp</c>/<c>simvpvq</c> golden fixtures, discovered by kind) combined with every
/// quantizer the plugin catalog offers (discovered by name). A quantizer or translator that cannot be exported fails
/// here: every shipped plugin must have an exact ONNX form.
/// </summary>
public sealed class ExportParityTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("svq-onnx-parity-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string, string> Combinations()
    {
        var rows = new TheoryData<string, string>();
        foreach (var file in Fixtures.Find(k => k is "simvp"))
        {
            rows.Add(Path.GetFileName(file), "(none)");
            foreach (var kind in Plugins.QuantizerKinds())
            {
                rows.Add(Path.GetFileName(file), kind);
            }
        }

        foreach (var file in Fixtures.Find(k => k is "simvpvq"))
        {
            rows.Add(Path.GetFileName(file), "svq");
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void OnnxRuntimeMatchesTorchSharpOnTheFixtureModel(string file, string quantizer)
    {
        using var fx = Fixtures.Load(file);
        using var model = ReferenceModels.Build(fx, quantizer == "(none)" ? null : quantizer);
        using var scope = NewDisposeScope();
        var input = fx["input"];
        var expected = Exported.TorchForecast(model, input, model.FramesPerPass);
        using var predictor = Exported.Open(model, Path.Combine(_dir.FullName, $"{fx.Name}.{quantizer}.onnx"));
        var actual = Exported.Forecast(predictor, input, model.FramesPerPass);
        output.WriteLine($"{fx.Name} + {quantizer}: max |onnx - torch| = {TensorAssert.MaxAbsDiff(expected, actual):g3}");
        TensorAssert.Close(expected, actual, Tolerance, 0, $"{fx.Name} + {quantizer}: ONNX Runtime vs TorchSharp");
        if (quantizer == "(none)")
        {
            // Without a quantizer the model is OpenSTL's SimVP itself: the graph also reproduces PyTorch's own output.
            TensorAssert.Close(fx["output"], actual, fx.Atol, fx.Rtol, $"{fx.Name}: ONNX Runtime vs the PyTorch reference");
        }
    }
}
