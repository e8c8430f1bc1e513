using System.Text.Json;
using SvqVideo.Torch;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SvqVideo.Testing;

/// <summary>
/// One golden fixture file (format <c>svqvideo-golden-v1</c>): its metadata and tensors.
/// The tensors are on the CPU; dispose the fixture to free them.
/// </summary>
public sealed class GoldenFixture : IDisposable
{
    private GoldenFixture(string path, IReadOnlyDictionary<string, string> metadata, Dictionary<string, Tensor> tensors)
    {
        Path = path;
        Metadata = metadata;
        Tensors = tensors;
        Kind = metadata["kind"];
        Config = JsonDocument.Parse(metadata.TryGetValue("config", out var c) ? c : "{}").RootElement.Clone();
        Inputs = ParseList(metadata, "inputs");
        Outputs = ParseList(metadata, "outputs");
        var tol = JsonDocument.Parse(metadata.TryGetValue("tolerance", out var t) ? t : "{}").RootElement;
        Atol = tol.TryGetProperty("atol", out var a) ? a.GetDouble() : 1e-4;
        Rtol = tol.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0;
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>File name without extension.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The <c>kind</c> metadata (what to build).</summary>
    public string Kind { get; }

    /// <summary>The reference constructor's keyword arguments.</summary>
    public JsonElement Config { get; }

    /// <summary>All metadata strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>Names of the input tensors.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Names of the expected outputs.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Absolute tolerance.</summary>
    public double Atol { get; }

    /// <summary>Relative tolerance.</summary>
    public double Rtol { get; }

    /// <summary>The module's state dict: every <c>model.*</c> tensor with the prefix removed.</summary>
    public Dictionary<string, Tensor> ModelState() =>
        Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value, StringComparer.Ordinal);

    /// <summary>The tensor <paramref name="name"/>.</summary>
    public Tensor this[string name] => Tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{Name}: no tensor '{name}'");

    /// <summary>Loads a fixture file.</summary>
    public static GoldenFixture Load(string path)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        if (!meta.TryGetValue("format", out var format) || format != "svqvideo-golden-v1")
        {
            throw new InvalidDataException($"{path}: not a golden fixture (format '{format}')");
        }

        return new GoldenFixture(path, meta, tensors);
    }

    /// <summary>Copies <see cref="ModelState"/> into <paramref name="module"/> strictly (every key, exact shapes).</summary>
    public void LoadInto(nn.Module module) => Checkpoint.LoadInto(module, ModelState());

    /// <summary>
    /// The one output comparison: every expected output of the fixture must be in <paramref name="produced"/> and
    /// match at the fixture's tolerance (<see cref="TensorAssert.Close"/>). <paramref name="context"/> (device,
    /// mode, …) goes into the messages; with <paramref name="log"/> each output's largest difference is written too.
    /// With <paramref name="axesOf"/> (the axis order each output is produced in) an output is first rearranged into
    /// the order the fixture stores it in (<see cref="FixtureLayout.ToFixture"/>).
    /// </summary>
    public void AssertOutputs(IReadOnlyDictionary<string, Tensor> produced, string context, ITestOutputHelper? log = null, Func<string, string>? axesOf = null)
    {
        ArgumentNullException.ThrowIfNull(produced);
        Assert.NotEmpty(Outputs);
        foreach (var name in Outputs)
        {
            Assert.True(produced.TryGetValue(name, out var actual), $"{Name}: the test does not produce output '{name}'");
            if (axesOf is not null)
            {
                actual = FixtureLayout.ToFixture(this, name, actual, axesOf(name));
            }

            log?.WriteLine($"{Name}/{name} {context}: max |diff| {TensorAssert.MaxAbsDiff(this[name], actual):g3} (atol {Atol:g3}, rtol {Rtol:g3})");
            TensorAssert.Close(this[name], actual, Atol, Rtol, $"{Name}/{name} {context}");
        }
    }

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values)
        {
            t.Dispose();
        }
    }

    public override string ToString() => Name;

    private static string[] ParseList(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) ? JsonSerializer.Deserialize<string[]>(v) ?? [] : [];
}
