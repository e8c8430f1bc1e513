using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Xunit;

namespace SvqVideo.Testing.PyTorch;

/// <summary>
/// Crafts PyTorch files the way Python would write them, for reader and import tests: a <c>torch.save</c> zip's
/// pickle wrapped in an outer dictionary (a Lightning-style checkpoint), hand-written pickles (a whole model, a
/// dictionary without tensors, pickles that would run code in Python).
/// </summary>
public static class TorchZipFiles
{
    private const byte Proto = 0x80;
    private const byte EmptyDict = (byte)'}';
    private const byte SetItem = (byte)'s';
    private const byte Stop = (byte)'.';

    /// <summary>
    /// Rewrites the torch.save zip at <paramref name="source"/> so that its pickle is
    /// <c>{'state_dict': &lt;original&gt;, 'epoch': 3}</c>, as Lightning and many training scripts save.
    /// </summary>
    public static void WrapStateDict(string source, string target, string entry = "state_dict")
    {
        RewritePickle(source, target, inner =>
        {
            // The original pickle minus its PROTO header (2 bytes) and STOP (1 byte) becomes a value of the outer dict;
            // its memo indices stay valid because the added opcodes memoise nothing.
            Assert.Equal(Proto, inner[0]);
            Assert.Equal(Stop, inner[^1]);
            var body = inner.AsSpan(2, inner.Length - 3).ToArray();
            var p = new List<byte> { Proto, 2, EmptyDict };
            p.AddRange(Unicode(entry));
            p.AddRange(body);
            p.Add(SetItem);
            p.AddRange(Unicode("epoch"));
            p.AddRange([(byte)'K', 3]);
            p.Add(SetItem);
            p.Add(Stop);
            return [.. p];
        });
    }

    /// <summary>A torch.save-format zip whose pickle is <paramref name="pickle"/> (no tensor storages).</summary>
    public static void WriteZip(string target, byte[] pickle)
    {
        using var file = File.Create(target);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Add(zip, "archive/data.pkl", pickle);
        Add(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
    }

    /// <summary>
    /// The start of what <c>torch.save(model)</c> pickles for a module class <c>Net</c> defined in a script: the
    /// class as a global, built by NEWOBJ, then its attribute dict. Reading it in Python imports and constructs the class.
    /// </summary>
    public static byte[] WholeModelPickle()
    {
        var p = new List<byte> { Proto, 2, (byte)'c' };
        p.AddRange(Encoding.ASCII.GetBytes("__main__\nNet\n"));
        p.AddRange([(byte)')', 0x81, EmptyDict]);
        p.AddRange(Unicode("training"));
        p.Add(0x88);
        p.Add(SetItem);
        p.Add((byte)'b');
        p.Add(Stop);
        return [.. p];
    }

    /// <summary>
    /// Pickles that would run <paramref name="command"/> in a shell when Python unpickled them, each by another route:
    /// GLOBAL+REDUCE of <c>posix.system</c>, STACK_GLOBAL of <c>builtins.exec</c>, INST of <c>os.system</c>, and
    /// <c>subprocess.Popen</c> built by NEWOBJ. Named for test rows.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> CodeRunningPickles(string command) => new Dictionary<string, byte[]>
    {
        ["posix.system"] = Pickle([(byte)'c', .. Encoding.ASCII.GetBytes("posix\nsystem\n"), .. Unicode(command), 0x85, (byte)'R']),
        ["builtins.exec"] = Pickle([.. Unicode("builtins"), .. Unicode("exec"), 0x93, .. Unicode($"import os; os.system('{command}')"), 0x85, (byte)'R']),
        ["os.system"] = Pickle([(byte)'(', .. Unicode(command), (byte)'i', .. Encoding.ASCII.GetBytes("os\nsystem\n")]),
        ["subprocess.Popen"] = Pickle([(byte)'c', .. Encoding.ASCII.GetBytes("subprocess\nPopen\n"), (byte)'(', .. Unicode("sh"), .. Unicode("-c"), .. Unicode(command), (byte)'l', 0x85, 0x81]),
    };

    /// <summary><c>{'epoch': 3}</c>: a dictionary holding no tensors at all.</summary>
    public static byte[] NoStateDictPickle()
    {
        var p = new List<byte> { Proto, 2, EmptyDict };
        p.AddRange(Unicode("epoch"));
        p.AddRange([(byte)'K', 3]);
        p.Add(SetItem);
        p.Add(Stop);
        return [.. p];
    }

    private static byte[] Pickle(byte[] body) => [Proto, 2, .. body, Stop];

    private static void RewritePickle(string source, string target, Func<byte[], byte[]> rewrite)
    {
        using var input = ZipFile.OpenRead(source);
        using var file = File.Create(target);
        using var output = new ZipArchive(file, ZipArchiveMode.Create);
        bool found = false;
        foreach (var e in input.Entries)
        {
            using var s = e.Open();
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
            {
                bytes = rewrite(bytes);
                found = true;
            }

            Add(output, e.FullName, bytes);
        }

        Assert.True(found, $"{source} has no data.pkl");
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(bytes);
    }

    private static byte[] Unicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var result = new byte[5 + utf8.Length];
        result[0] = (byte)'X';
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(1), (uint)utf8.Length);
        utf8.CopyTo(result, 5);
        return result;
    }
}
