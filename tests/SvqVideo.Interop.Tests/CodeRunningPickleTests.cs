using SvqVideo.Testing;
using SvqVideo.Testing.PyTorch;

namespace SvqVideo.Interop.Tests;

/// <summary>
/// Pickles that would run a shell command in Python are refused by the reader, in both torch.save formats, before
/// anything of them is used; the command never runs (its marker file never appears).
/// </summary>
public sealed class CodeRunningPickleTests : IDisposable
{
    private readonly TempFolder _dir = new("svq-interop-evil-");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, bool> Routes()
    {
        var rows = new TheoryData<string, bool>();
        foreach (var route in TorchZipFiles.CodeRunningPickles("true").Keys)
        {
            rows.Add(route, true);
            rows.Add(route, false);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void APickleThatWouldRunCodeIsRefusedAndNothingRuns(string route, bool zip)
    {
        string marker = _dir.Combine("ran");
        var pickle = TorchZipFiles.CodeRunningPickles($"touch {marker}")[route];
        string path = _dir.Combine(zip ? "evil-zip.pth" : "evil-legacy.pth");
        if (zip)
        {
            TorchZipFiles.WriteZip(path, pickle);
        }
        else
        {
            LegacyTorchFileWriter.WriteObject(path, pickle);
        }

        var e = Assert.Throws<InvalidDataException>(() => PyTorchFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains(route, StringComparison.Ordinal) || e.Message.Contains("unsupported pickle opcode", StringComparison.Ordinal), e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(marker), "the pickle's command ran");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APickledWholeModelIsRefusedWithTheStateDictHint(bool zip)
    {
        string path = _dir.Combine("whole.pth");
        if (zip)
        {
            TorchZipFiles.WriteZip(path, TorchZipFiles.WholeModelPickle());
        }
        else
        {
            LegacyTorchFileWriter.WriteObject(path, TorchZipFiles.WholeModelPickle());
        }

        var e = Assert.Throws<InvalidDataException>(() => PyTorchFile.Read(path));
        Assert.Contains("'__main__.Net'", e.Message, StringComparison.Ordinal);
        Assert.Contains("pickled whole model", e.Message, StringComparison.Ordinal);
    }
}
