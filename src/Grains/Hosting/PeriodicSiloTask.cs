namespace Pipeline.Grains.Hosting;

/// <summary>
/// Work a silo repeats while it is active (keeping a grain started, for instance): runs
/// <see cref="RunOnceAsync"/> once the silo is active and then every <see cref="Interval"/>, until
/// the silo stops. A failed round is the subclass's to log; the next round comes regardless.
/// </summary>
internal abstract class PeriodicSiloTask(TimeProvider time) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    protected abstract TimeSpan Interval { get; }

    /// <summary>False when the configuration gives this task nothing to do.</summary>
    protected abstract bool Enabled { get; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, Start, Stop);

    /// <summary>One round; must not throw for a failure it can log (the loop goes on either way).</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellation);

    private Task Start(CancellationToken cancellation)
    {
        if (Enabled)
        {
            _loop = LoopAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellation)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task LoopAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            await RunOnceAsync(cancellation);
            try
            {
                await Task.Delay(Interval, time, cancellation);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
