namespace SvqVideo.Hosting;

/// <summary>
/// Watches a plugin's folder for <c>*.dll</c> writes, creations and renames (an atomic replace is a rename) and,
/// once the folder has been quiet for the delay, calls back on a thread-pool thread. McMaster's own watcher reacts
/// only to in-place writes, which is why the catalog uses this one. Dispose to stop.
/// </summary>
internal sealed class PluginWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _debounce;
    private readonly TimeSpan _delay;

    public PluginWatcher(string folder, TimeSpan delay, Action changed)
    {
        _delay = delay;
        _debounce = new Timer(_ => changed(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(folder, "*.dll")
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _debounce.Dispose();
    }

    // Each event restarts the delay, so a copy in several writes triggers one reload. An event already on its
    // way when the watcher is disposed must not throw on the thread pool.
    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        try
        {
            _debounce.Change(_delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
