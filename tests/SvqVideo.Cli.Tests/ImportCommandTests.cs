using System.Text.Json;
using SvqVideo.Testing;
using SvqVideo.Testing.PyTorch;

namespace SvqVideo.Cli.Tests;

public sealed class ImportCommandTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-cli-import-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SafetensorsStateDictImportsWithTheMatchingConfigAndIsRefusedWithAnotherOne()
    {
        string run = _dir.Combine("run");
        var train = CliRunner.Cli("train", "--preset", "demo", "--budget", "5s", "--train-clips", "16", "--max-steps-per-epoch", "1", "--epochs", "1", "--out", run);
        Assert.True(train.ExitCode == 0, train.Stderr);

        // A plain state dict, as a PyTorch safetensors export holds: only the model tensors of that checkpoint;
        // and the same in the legacy (pre-1.6) torch.save format.
        string plain = _dir.Combine("state_dict.safetensors");
        string legacy = _dir.Combine("state_dict.pth");
        var (tensors, _) = SvqVideo.Torch.SafeTensors.Read(Path.Combine(run, "best.safetensors"));
        var model = tensors.Where(kv => !kv.Key.StartsWith("optim.", StringComparison.Ordinal) && !kv.Key.StartsWith("rng.", StringComparison.Ordinal)).ToList();
        SvqVideo.Torch.SafeTensors.Write(plain, model);
        LegacyTorchFileWriter.Write(legacy, model);
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        string imported = _dir.Combine("imported.safetensors");
        var ok = CliRunner.Cli("import", "--from", plain, "--to", imported, "--preset", "demo", "--json");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        using var doc = JsonDocument.Parse(ok.Stdout);
        Assert.True(doc.RootElement.GetProperty("tensors").GetInt32() > 0);
        Assert.True(File.Exists(imported));

        string fromLegacy = _dir.Combine("from-legacy.safetensors");
        var legacyImport = CliRunner.Cli("import", "--from", legacy, "--to", fromLegacy, "--preset", "demo", "--json");
        Assert.True(legacyImport.ExitCode == 0, legacyImport.Stderr);
        using (var legacyDoc = JsonDocument.Parse(legacyImport.Stdout))
        {
            Assert.Equal("legacy torch.save", legacyDoc.RootElement.GetProperty("format").GetString());
        }

        // A legacy file whose pickle would run a shell command in Python: refused as bad input, nothing runs, nothing written.
        string evil = _dir.Combine("evil.pth");
        string marker = _dir.Combine("ran");
        LegacyTorchFileWriter.WriteObject(evil, TorchZipFiles.CodeRunningPickles($"touch {marker}")["posix.system"]);
        string notWritten = _dir.Combine("evil.safetensors");
        var refused = CliRunner.Cli("import", "--from", evil, "--to", notWritten, "--preset", "demo");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("'posix.system'", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        Assert.False(File.Exists(notWritten));

        string other = _dir.Combine("other.safetensors");
        var bad = CliRunner.Cli("import", "--from", plain, "--to", other, "--preset", "demo", "--hid-s", "32");
        Assert.Equal(3, bad.ExitCode);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(other));
    }
}
