// SVQ forward + backward timing and peak memory, one path per process so that the peak belongs to it.
// Usage: SvqVideo.Bench.Svq --path fast|explicit [--tokens 40960] [--dim 64] [--codes 10000] [--repeats 3] [--device cpu|cuda] [--threads N]
using System.Diagnostics;
using System.Globalization;
using SvqVideo.Plugins.Svq;
using SvqVideo.Torch;
using TorchSharp;
using static TorchSharp.torch;

var options = ParseArguments(args);
string path = options.GetValueOrDefault("path", "fast");
if (path is not ("fast" or "explicit"))
{
    Console.Error.WriteLine($"--path must be fast or explicit, got '{path}'");
    return 2;
}

int tokens = int.Parse(options.GetValueOrDefault("tokens", "40960"), CultureInfo.InvariantCulture);
int dim = int.Parse(options.GetValueOrDefault("dim", "64"), CultureInfo.InvariantCulture);
int codes = int.Parse(options.GetValueOrDefault("codes", "10000"), CultureInfo.InvariantCulture);
int repeats = int.Parse(options.GetValueOrDefault("repeats", "3"), CultureInfo.InvariantCulture);
if (options.TryGetValue("threads", out var threads))
{
    set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
}

var device = TorchDevices.Resolve(options.GetValueOrDefault("device", "cpu"));
manual_seed(0);
using var q = (SvqQuantizer)new SvqQuantizerFactory().Create(new QuantizerOptions { Kind = "svq", Dimension = dim, CodebookSize = codes });
q.to(device);
var times = new List<double>();
for (int i = 0; i <= repeats; i++)
{
    using var scope = NewDisposeScope();
    q.zero_grad();
    var x = randn(tokens, dim, device: device).requires_grad_(true);
    var sw = Stopwatch.StartNew();
    var output = path == "fast" ? q.ForwardFactored(x) : q.ForwardExplicit(x).Output;
    output.abs().sum().backward();
    if (device.type == DeviceType.CUDA)
    {
        cuda.synchronize();
    }

    sw.Stop();
    if (i > 0)
    {
        times.Add(sw.Elapsed.TotalSeconds);
    }
}

times.Sort();
long peakKb = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
    .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"path={path} tokens={tokens} dim={dim} codes={codes} device={device} threads={get_num_threads()} median_s={times[times.Count / 2]:F4} min_s={times[0]:F4} peak_rss_mib={peakKb / 1024}"));
return 0;

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}
