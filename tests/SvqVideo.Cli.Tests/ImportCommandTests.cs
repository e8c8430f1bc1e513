using System.Text.Json;

namespace SvqVideo.Cli.Tests;

public sealed class ImportCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("svq-cli-import-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void SafetensorsStateDictImportsWithTheMatchingConfigAndIsRefusedWithAnotherOne()
    {
        string run = Path.Combine(_dir.FullName, "run");
        var train = CliRunner.Cli("train", "--preset", "demo", "--budget", "5s", "--train-clips", "16", "--max-steps-per-epoch", "1", "--epochs", "1", "--out", run);
        Assert.True(train.ExitCode == 0, train.Stderr);

        // A plain state dict, as a PyTorch safetensors export holds: only the model tensors of that checkpoint.
        string plain = Path.Combine(_dir.FullName, "state_dict.safetensors");
        var (tensors, _) = SvqVideo.Torch.SafeTensors.Read(Path.Combine(run, "best.safetensors"));
        SvqVideo.Torch.SafeTensors.Write(plain, tensors.Where(kv => !kv.Key.StartsWith("optim.", StringComparison.Ordinal) && !kv.Key.StartsWith("rng.", StringComparison.Ordinal)));
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        string imported = Path.Combine(_dir.FullName, "imported.safetensors");
        var ok = CliRunner.Cli("import", "--from", plain, "--to", imported, "--preset", "demo", "--json");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        using var doc = JsonDocument.Parse(ok.Stdout);
        Assert.True(doc.RootElement.GetProperty("tensors").GetInt32() > 0);
        Assert.True(File.Exists(imported));

        string other = Path.Combine(_dir.FullName, "other.safetensors");
        var bad = CliRunner.Cli("import", "--from", plain, "--to", other, "--preset", "demo", "--hid-s", "32");
        Assert.Equal(3, bad.ExitCode);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(other));
    }
}
