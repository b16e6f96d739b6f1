namespace Pipeline.Grains.Discovery;

/// <summary>
/// A discoverer that builds its full set by a refresh (read files, ask a server), repeated every
/// refresh interval and whenever <see cref="Wake"/> is called. It starts with the first
/// <see cref="WatchAsync"/> and stops on <see cref="Dispose"/>.
/// </summary>
internal abstract class RefreshingTargetDiscoverer : ITargetDiscoverer
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _running;
    private bool _disposed;

    protected RefreshingTargetDiscoverer(TimeSpan interval, TimeProvider time)
    {
        _interval = interval;
        _time = time;
    }

    public string? Error => Feed.Error;

    protected TargetGroupFeed Feed { get; } = new();

    public IAsyncEnumerable<IReadOnlyList<TargetGroup>> WatchAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }

        return Feed.WatchAsync(cancellationToken);
    }

    /// <summary>Builds the full set and publishes it (or keeps the last good one and sets the error).</summary>
    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>Asks for a refresh now (a watched file changed).</summary>
    protected void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // A wake-up during the refresh is kept for the wait below, so no change goes unread.
            Volatile.Write(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                await RefreshAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a discoverer retries whatever failed at the next refresh; the error is shown
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Feed.Error = ex.Message;
            }

            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(Task.Delay(_interval, _time, delay.Token), Volatile.Read(ref _wake).Task);
            await delay.CancelAsync();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stop.Cancel();
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the discoverer holds (watchers, clients); the refresh loop is already cancelled.</summary>
    protected virtual void DisposeCore()
    {
    }
}
